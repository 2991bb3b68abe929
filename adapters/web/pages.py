"""The connected suppliers page: a bookkeeper signs in with the tenant's API key,
sees each connection's state and the inbox, and acts through plain HTML forms."""

from aiohttp import web

from adapters.portals.hints import login_word
from adapters.web.api import e_invoice_response, file_response
from adapters.web.commands import answer_of, connect_of, invite_of, reconnect_of
from adapters.web.errors import FAILURES, as_api_error, not_found
from adapters.web.page_session import (
    form_of,
    login,
    login_page,
    logout,
    parsed,
    redirect,
    signed_in_page,
)
from adapters.web.render import page
from adapters.web.routing import SERVICES
from adapters.web.security import csrf_token
from adapters.web.views import connection_out, invitation_out
from schemas.api import ChallengeAnswerIn, ConnectionIn, InvitationIn, LoginIn
from schemas.records import Tenant

INBOX_ROWS = 50
NOTICES = {
    "signed-in": "Signed in.",
    "connected": "Connected. The first fetch has started; documents appear below.",
    "reconnected": "Login updated. Billhound is fetching again.",
    "fetching": "Fetching now.",
    "paused": "Paused: nothing is fetched until you resume.",
    "resumed": "Resumed.",
    "deleted": "Deleted. Documents already collected stay in the inbox.",
    "code-sent": "Code sent to the portal.",
    "invited": "Invitation sent.",
    "withdrawn": "Invitation withdrawn.",
}


async def suppliers_view(
    request: web.Request,
    tenant: Tenant,
    token: str,
    problem=None,
    status=200,
    problem_for: str | None = None,
) -> web.Response:
    """The page; `problem_for`: the connection a failed action was about, so the
    problem is shown beside it and names it."""
    svc, now = request.app[SERVICES], request.app[SERVICES].clock()
    found = await svc.connections.all(tenant.tenant_id)
    views = newest_first([connection_out(c, svc.catalog, n, now) for c, n in found])
    inbox, more = await svc.inbox.page(tenant.tenant_id, limit=INBOX_ROWS)
    invitations = await svc.invitations.list(tenant.tenant_id)
    catalog = svc.catalog
    return page(
        "suppliers.html",
        status,
        tenant=tenant,
        locale=tenant.locale,
        csrf=csrf_token(token),
        notice=NOTICES.get(request.query.get("notice", "")),
        problem=problem,
        problem_for=next((v for v in views if v.connection_id == problem_for), None),
        fresh=request.query.get("fresh"),
        connections=views,
        suppliers={s.id: s for s in catalog.all()},
        portal_label=catalog.variant_label,
        login_word=lambda supplier_id: login_word(catalog.supplier(supplier_id)),
        invitations=[invitation_out(i, now) for i in invitations],
        inbox=inbox,
        inbox_more=more is not None,
    )


def newest_first(views: list) -> list:
    """The connection made last on top, where a person looks after making it."""
    return sorted(views, key=lambda v: v.created_at, reverse=True)


async def connect_view(
    request: web.Request, token: str, values=None, problem=None, status=200
) -> web.Response:
    catalog = request.app[SERVICES].catalog
    values = values or {}
    q = request.query.get("q", "")
    supplier_id = values.get("supplier_id") or request.query.get("supplier")
    supplier = None
    if supplier_id:
        try:
            supplier = catalog.supplier(supplier_id)
        except LookupError:
            supplier = None
    return page(
        "connect.html",
        status,
        csrf=csrf_token(token),
        q=q,
        results=catalog.search(q) if q else catalog.all(),
        supplier=supplier,
        values=values,
        problem=problem,
    )


@signed_in_page
async def connect_page(request: web.Request, _: Tenant, token: str) -> web.Response:
    return await connect_view(request, token)


@signed_in_page
async def connect_submit(
    request: web.Request, tenant: Tenant, token: str
) -> web.Response:
    form = await form_of(request, token)
    try:
        cmd = connect_of(tenant.tenant_id, parsed(ConnectionIn, form))
        cid, _ = await request.app[SERVICES].connections.connect(cmd)
    except FAILURES as exc:
        err = as_api_error(exc)
        form.pop("password", None)
        return await connect_view(request, token, form, err.detail, err.status)
    return redirect(f"/?notice=connected&fresh={cid}#connection-{cid}")


ACTIONS = {  # form action -> (notice afterwards, form model, the use case)
    "fetch": ("fetching", None, lambda s, t, c, _: s.fetch_now(t, c)),
    "pause": ("paused", None, lambda s, t, c, _: s.pause(t, c)),
    "resume": ("resumed", None, lambda s, t, c, _: s.resume(t, c)),
    "delete": ("deleted", None, lambda s, t, c, _: s.delete(t, c)),
    "reconnect": (
        "reconnected",
        LoginIn,
        lambda s, t, c, body: s.reconnect(reconnect_of(t, c, body)),
    ),
    "challenge": (
        "code-sent",
        ChallengeAnswerIn,
        lambda s, t, c, body: s.answer_code(answer_of(t, c, body)),
    ),
}


@signed_in_page
async def connection_action(
    request: web.Request, tenant: Tenant, token: str
) -> web.Response:
    svc = request.app[SERVICES]
    action, cid = request.match_info["action"], request.match_info["connection_id"]
    if action not in ACTIONS:
        raise not_found("action")
    notice, model, act = ACTIONS[action]
    form = await form_of(request, token)
    try:
        body = parsed(model, form) if model is not None else None
        await act(svc.connections, tenant.tenant_id, cid, body)
    except FAILURES as exc:
        err = as_api_error(exc)
        return await suppliers_view(
            request, tenant, token, err.detail, err.status, problem_for=cid
        )
    return redirect(f"/?notice={notice}#connection-{cid}")


@signed_in_page
async def invite_submit(
    request: web.Request, tenant: Tenant, token: str
) -> web.Response:
    form = await form_of(request, token)
    try:
        cmd = invite_of(tenant.tenant_id, parsed(InvitationIn, form))
        await request.app[SERVICES].invitations.invite(cmd)
    except FAILURES as exc:
        err = as_api_error(exc)
        return await suppliers_view(request, tenant, token, err.detail, err.status)
    return redirect("/?notice=invited")


@signed_in_page
async def invite_revoke(
    request: web.Request, tenant: Tenant, token: str
) -> web.Response:
    await form_of(request, token)
    try:
        await request.app[SERVICES].invitations.revoke(
            tenant.tenant_id, request.match_info["invitation_id"]
        )
    except FAILURES as exc:
        err = as_api_error(exc)
        return await suppliers_view(request, tenant, token, err.detail, err.status)
    return redirect("/?notice=withdrawn")


@signed_in_page
async def download(request: web.Request, tenant: Tenant, _: str) -> web.Response:
    return await file_response(
        request.app[SERVICES], tenant, request.match_info["item_id"]
    )


@signed_in_page
async def view(request: web.Request, tenant: Tenant, _: str) -> web.Response:
    return await e_invoice_response(
        request.app[SERVICES], tenant, request.match_info["item_id"]
    )


def add_pages(app: web.Application) -> None:
    app.router.add_get("/", signed_in_page(suppliers_view))
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/connect", connect_page)
    app.router.add_post("/connect", connect_submit)
    app.router.add_post("/connections/{connection_id}/{action}", connection_action)
    app.router.add_post("/invitations", invite_submit)
    app.router.add_post("/invitations/{invitation_id}/revoke", invite_revoke)
    app.router.add_get("/files/{item_id}", download)
    app.router.add_get("/files/{item_id}/view", view)
