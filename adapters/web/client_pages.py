"""The client's own page of a connection made through an invitation, linked from the
mails the client gets: its state, and the two things only the client can do there
(update the login, enter a code). The link is the key; it shows nothing else."""

from aiohttp import web

from adapters.web import connect, manage
from adapters.web.errors import ApiError
from adapters.web.page_session import parsed, plain_form
from adapters.web.render import message, page
from adapters.web.routing import SERVICES
from adapters.web.security import sha256_hex
from adapters.web.views import connection_out
from schemas.api import ChallengeAnswerIn, LoginIn

NOTICES = {
    "reconnect": "Login updated. Billhound is collecting your documents again.",
    "challenge": "Code sent to the portal.",
}


async def _opened(request: web.Request):
    """The invitation, tenant and connection behind the link, or a 404 page."""
    svc = request.app[SERVICES]
    inv = await svc.invitations.by_client_access(
        sha256_hex(request.match_info["token"])
    )
    tenant = await svc.tenants.get(inv.tenant_id) if inv else None
    if inv is None or tenant is None or inv.connection_id is None:
        raise ApiError(404, "unknown_link", "This link is not valid.")
    return svc, inv, tenant, inv.connection_id


async def _view(request, notice=None, problem=None, status=200) -> web.Response:
    svc, inv, tenant, cid = await _opened(request)
    conn = await svc.connection(tenant, cid)
    counts = await svc.inbox.count_by_connection(tenant.tenant_id, cid)
    collected = counts.get(cid, 0)
    return page(
        "client.html",
        status,
        c=connection_out(conn, svc.catalog, collected, svc.clock()),
        supplier=svc.catalog.supplier(conn.supplier_id),
        tenant_name=tenant.name,
        locale=tenant.locale,
        base=f"/client/{request.match_info['token']}",
        notice=notice,
        problem=problem,
        values={"login": ""},
    )


async def client_page(request: web.Request) -> web.Response:
    try:
        return await _view(request)
    except ApiError as err:
        return message("This link cannot be used", err.detail.message, err.status)


ACTIONS = {  # what the client can do: form model, the shared use case
    "reconnect": (LoginIn, connect.reconnect),
    "challenge": (ChallengeAnswerIn, manage.answer_challenge),
}


async def client_action(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    model, act = ACTIONS[action]
    form = await plain_form(request)
    try:
        svc, _, tenant, cid = await _opened(request)
        await act(svc, tenant, cid, parsed(model, form))
    except ApiError as err:
        if err.status == 404:
            return message("This link cannot be used", err.detail.message, 404)
        return await _view(request, problem=err.detail, status=err.status)
    return await _view(request, notice=NOTICES[action])


def add_client_pages(app: web.Application) -> None:
    app.router.add_get("/client/{token}", client_page)
    app.router.add_post("/client/{token}/{action}", client_action)
