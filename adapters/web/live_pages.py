"""The live view, web side: a signed-in person of the tenant that owns the connection
(or the client whose connection it is, by their page's link) sees the portal's page
(screenshots) and acts on it, through this server, which relays both ways to the
worker holding the page. Nobody else can open it; what the person types passes
through and is never logged or kept."""

import asyncio
import logging
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from adapters.web.errors import FAILURES, as_api_error
from adapters.web.page_session import redirect, signed_in
from adapters.web.render import HEADERS, message, page
from adapters.web.routing import SERVICES

log = logging.getLogger(__name__)

# The page draws frames from blob: URLs and talks to its own host's websocket.
LIVE_HEADERS = HEADERS | {
    "Content-Security-Policy": HEADERS["Content-Security-Policy"]
    + "; img-src 'self' blob:; connect-src 'self'"
}


async def _bookkeeper(request: web.Request) -> tuple[str, str, str] | None:
    """(tenant, connection, the page to go back to) for a signed-in person."""
    session = await signed_in(request)
    if session is None:
        return None
    return session[0].tenant_id, request.match_info["connection_id"], "/"


async def _client(request: web.Request) -> tuple[str, str, str] | None:
    """The same for a client, whose link to their own page is the key."""
    token = request.match_info["token"]
    svc = request.app[SERVICES]
    try:
        inv, tenant = await svc.invitations.client_connection(token)
    except FAILURES:
        return None
    return tenant.tenant_id, inv.connection_id, f"/client/{token}"


def live_page(opened):
    async def handler(request: web.Request) -> web.Response:
        who = await opened(request)
        if who is None:
            return redirect("/login") if opened is _bookkeeper else _unusable()
        tenant_id, conn_id, back = who
        svc = request.app[SERVICES]
        try:
            conn = await svc.connections.owned(tenant_id, conn_id)
        except FAILURES as exc:
            err = as_api_error(exc)
            return message("Not found", err.detail.message, err.status, err.detail.code)
        tenant = await svc.tenants.get(tenant_id)
        pending = conn.challenge
        resp = page(
            "live.html",
            locale=tenant.locale if tenant else None,
            supplier_name=svc.catalog.supplier(conn.supplier_id).name,
            challenge=pending if pending and pending.live_view else None,
            back=back,
        )
        resp.headers.update(LIVE_HEADERS)
        return resp

    return handler


def _unusable() -> web.Response:
    return message("This link cannot be used", "This link is not valid.", 404)


def live_socket(opened):
    async def handler(request: web.Request) -> web.StreamResponse:
        """Relay between the person's page and the worker's view of the portal."""
        # A page of another site must not drive a person's view.
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden()
        who = await opened(request)
        if who is None:
            raise web.HTTPUnauthorized()
        tenant_id, conn_id, _ = who
        svc = request.app[SERVICES]
        try:
            view, ticket = await svc.connections.open_live_view(tenant_id, conn_id)
        except FAILURES as exc:
            raise web.HTTPNotFound(text=as_api_error(exc).detail.message) from None
        person = web.WebSocketResponse(heartbeat=20)
        await person.prepare(request)
        url = f"{view.address}/live/{view.view_id}"
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.ws_connect(url, params={"ticket": ticket}, heartbeat=20) as worker,
            ):
                await _relay(person, worker)
        except aiohttp.ClientError as exc:
            log.info("live view %s unreachable: %s", view.view_id, type(exc).__name__)
            if not person.closed:
                await person.send_json({"state": "gone"})
        finally:
            await person.close()
        return person

    return handler


async def _relay(person: web.WebSocketResponse, worker) -> None:
    async def down() -> None:  # frames and states, worker -> person
        async for msg in worker:
            if msg.type == aiohttp.WSMsgType.BINARY:
                await person.send_bytes(msg.data)
            elif msg.type == aiohttp.WSMsgType.TEXT:
                await person.send_str(msg.data)

    async def up() -> None:  # clicks and keys, person -> worker (never logged)
        async for msg in person:
            if msg.type == aiohttp.WSMsgType.TEXT and len(msg.data) <= 1000:
                await worker.send_str(msg.data)

    tasks = [asyncio.create_task(down()), asyncio.create_task(up())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def add_live_pages(app: web.Application) -> None:
    """The live view for the tenant's signed-in people, and for the client whose
    connection it is (by the link to their own page)."""
    app.router.add_get("/connections/{connection_id}/live", live_page(_bookkeeper))
    app.router.add_get(
        "/connections/{connection_id}/live/socket", live_socket(_bookkeeper)
    )
    app.router.add_get("/client/{token}/live", live_page(_client))
    app.router.add_get("/client/{token}/live/socket", live_socket(_client))
