"""The client's own page of a connection made through an invitation, linked from the
mails the client gets: its state, and the two things only the client can do there
(update the login, enter a code). The link is the key; it shows nothing else."""

from aiohttp import web

from adapters.web.commands import answer_of, reconnect_of
from adapters.web.errors import FAILURES, as_api_error
from adapters.web.page_session import parsed, plain_form
from adapters.web.render import message, page
from adapters.web.routing import SERVICES
from adapters.web.views import connection_out
from schemas.api import ChallengeAnswerIn, LoginIn

NOTICES = {
    "reconnect": "Login updated. Billhound is collecting your documents again.",
    "challenge": "Code sent to the portal.",
}


async def _opened(request: web.Request):
    """The tenant and connection behind the link (NotFound: not a valid link)."""
    svc = request.app[SERVICES]
    inv, tenant = await svc.invitations.client_connection(request.match_info["token"])
    return svc, tenant, inv.connection_id


async def _view(request, notice=None, problem=None, status=200) -> web.Response:
    svc, tenant, cid = await _opened(request)
    conn, collected = await svc.connections.one(tenant.tenant_id, cid)
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
    except FAILURES as exc:
        err = as_api_error(exc)
        return message("This link cannot be used", err.detail.message, err.status)


ACTIONS = {  # what the client can do: form model, the shared use case
    "reconnect": (
        LoginIn,
        lambda s, t, c, body: s.reconnect(reconnect_of(t, c, body)),
    ),
    "challenge": (
        ChallengeAnswerIn,
        lambda s, t, c, body: s.answer_code(answer_of(t, c, body)),
    ),
}


async def client_action(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    model, act = ACTIONS[action]
    form = await plain_form(request)
    try:
        svc, tenant, cid = await _opened(request)
        await act(svc.connections, tenant.tenant_id, cid, parsed(model, form))
    except FAILURES as exc:
        err = as_api_error(exc)
        if err.status == 404:
            return message("This link cannot be used", err.detail.message, 404)
        return await _view(request, problem=err.detail, status=err.status)
    return await _view(request, notice=NOTICES[action])


def add_client_pages(app: web.Application) -> None:
    app.router.add_get("/client/{token}", client_page)
    app.router.add_post("/client/{token}/{action}", client_action)
