"""The connected suppliers page: a bookkeeper signs in with the tenant's API key,
sees each connection's state and the inbox, and acts through plain HTML forms."""

from datetime import timedelta

from aiohttp import web
from pydantic import BaseModel, ValidationError

from adapters.web import connect, invites, manage
from adapters.web.api import file_response
from adapters.web.errors import ApiError, invalid, not_found
from adapters.web.render import message, page
from adapters.web.routing import SERVICES
from adapters.web.security import csrf_token, new_token, same, sha256_hex
from adapters.web.views import connection_out, invitation_out
from schemas.api import ChallengeAnswerIn, ConnectionIn, InvitationIn, LoginIn
from schemas.records import Tenant

COOKIE = "bh_session"
SESSION_HOURS = 12
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


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


async def signed_in(request: web.Request) -> tuple[Tenant, str] | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    svc = request.app[SERVICES]
    tenant_id = await svc.tenants.session_tenant(sha256_hex(token), svc.clock())
    tenant = await svc.tenants.get(tenant_id) if tenant_id else None
    return (tenant, token) if tenant else None


async def form_of(request: web.Request, session_token: str) -> dict[str, str]:
    form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    if not same(form.pop("csrf", ""), csrf_token(session_token)):
        raise ApiError(403, "csrf", "The form expired: reload the page and try again.")
    return {k: v for k, v in form.items() if v != "" or k == "password"}


def parsed(model: type[BaseModel], form: dict[str, str]) -> BaseModel:
    try:
        return model.model_validate(form)
    except ValidationError as exc:
        raise invalid(exc) from None


async def login_page(request: web.Request) -> web.Response:
    return page("login.html", error=None)


async def login(request: web.Request) -> web.Response:
    svc = request.app[SERVICES]
    key = str((await request.post()).get("api_key", "")).strip()
    tenant = await svc.tenants.by_key(sha256_hex(key)) if key else None
    if tenant is None:
        return page("login.html", 401, error="That API key is not valid.")
    token = new_token()
    expires = svc.clock() + timedelta(hours=SESSION_HOURS)
    await svc.tenants.open_session(sha256_hex(token), tenant.tenant_id, expires)
    resp = redirect("/?notice=signed-in")
    resp.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        max_age=SESSION_HOURS * 3600,
        secure=svc.public_url.startswith("https://"),
    )
    return resp


async def logout(request: web.Request) -> web.Response:
    if (session := await signed_in(request)) is not None:
        await form_of(request, session[1])
        await request.app[SERVICES].tenants.close_session(sha256_hex(session[1]))
    resp = redirect("/login")
    resp.del_cookie(COOKIE)
    return resp


async def suppliers_page(
    request: web.Request, problem=None, status: int = 200
) -> web.Response:
    session = await signed_in(request)
    if session is None:
        return redirect("/login")
    tenant, token = session
    svc, now = request.app[SERVICES], request.app[SERVICES].clock()
    conns = await svc.connections.list_by_tenant(tenant.tenant_id)
    counts = await svc.inbox.count_by_connection(tenant.tenant_id)
    views = [
        connection_out(c, svc.catalog, counts.get(c.connection_id, 0), now)
        for c in conns
    ]
    inbox = await svc.inbox.list(tenant.tenant_id, limit=INBOX_ROWS + 1)
    invitations = await svc.invitations.list(tenant.tenant_id)
    busy = any(v.state == "fetching" for v in views) and problem is None
    return page(
        "suppliers.html",
        status,
        tenant=tenant,
        csrf=csrf_token(token),
        notice=NOTICES.get(request.query.get("notice", "")),
        problem=problem,
        connections=views,
        suppliers={s.id: s for s in svc.catalog.all()},
        invitations=[invitation_out(i, now) for i in invitations],
        inbox=inbox[:INBOX_ROWS],
        inbox_more=len(inbox) > INBOX_ROWS,
        refresh=5 if busy else None,  # follow a fetch without a click
    )


async def connect_page(
    request: web.Request, values=None, problem=None, status: int = 200
) -> web.Response:
    session = await signed_in(request)
    if session is None:
        return redirect("/login")
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
        csrf=csrf_token(session[1]),
        q=q,
        results=catalog.search(q) if q else catalog.all(),
        supplier=supplier,
        values=values,
        problem=problem,
    )


async def connect_submit(request: web.Request) -> web.Response:
    session = await signed_in(request)
    if session is None:
        return redirect("/login")
    form = await form_of(request, session[1])
    try:
        body = parsed(ConnectionIn, form)
        await connect.create_connection(request.app[SERVICES], session[0], body)
    except ApiError as err:
        form.pop("password", None)
        return await connect_page(request, form, err.detail, err.status)
    return redirect("/?notice=connected")


ACTIONS = {
    "fetch": ("fetching", None),
    "pause": ("paused", None),
    "resume": ("resumed", None),
    "delete": ("deleted", None),
    "reconnect": ("reconnected", LoginIn),
    "challenge": ("code-sent", ChallengeAnswerIn),
}


async def connection_action(request: web.Request) -> web.Response:
    session = await signed_in(request)
    if session is None:
        return redirect("/login")
    tenant, token = session
    svc = request.app[SERVICES]
    action, cid = request.match_info["action"], request.match_info["connection_id"]
    if action not in ACTIONS:
        raise not_found("action")
    notice, model = ACTIONS[action]
    form = await form_of(request, token)
    try:
        body = parsed(model, form) if model else None
        if action == "reconnect":
            await connect.reconnect(svc, tenant, cid, body)
        elif action == "challenge":
            await manage.answer_challenge(svc, tenant, cid, body)
        else:
            await getattr(manage, {"fetch": "fetch_now"}.get(action, action))(
                svc, tenant, cid
            )
    except ApiError as err:
        return await suppliers_page(request, err.detail, err.status)
    return redirect(f"/?notice={notice}")


async def invite_submit(request: web.Request) -> web.Response:
    session = await signed_in(request)
    if session is None:
        return redirect("/login")
    form = await form_of(request, session[1])
    try:
        await invites.invite(
            request.app[SERVICES], session[0], parsed(InvitationIn, form)
        )
    except ApiError as err:
        return await suppliers_page(request, err.detail, err.status)
    return redirect("/?notice=invited")


async def invite_revoke(request: web.Request) -> web.Response:
    session = await signed_in(request)
    if session is None:
        return redirect("/login")
    await form_of(request, session[1])
    svc = request.app[SERVICES]
    await svc.invitations.revoke(
        session[0].tenant_id, request.match_info["invitation_id"]
    )
    return redirect("/?notice=withdrawn")


async def download(request: web.Request) -> web.Response:
    session = await signed_in(request)
    if session is None:
        return redirect("/login")
    return await file_response(
        request.app[SERVICES], session[0], request.match_info["item_id"]
    )


def add_pages(app: web.Application) -> None:
    app.router.add_get("/", suppliers_page)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/connect", connect_page)
    app.router.add_post("/connect", connect_submit)
    app.router.add_post("/connections/{connection_id}/{action}", connection_action)
    app.router.add_post("/invitations", invite_submit)
    app.router.add_post("/invitations/{invitation_id}/revoke", invite_revoke)
    app.router.add_get("/files/{item_id}", download)


__all__ = ["add_pages", "message"]
