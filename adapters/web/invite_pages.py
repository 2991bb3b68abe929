"""The client's side of an invitation: one page, reached by a single-use link,
showing only the supplier to connect and who asked."""

from aiohttp import web

from adapters.web.commands import login_of
from adapters.web.errors import FAILURES, ApiError, as_api_error
from adapters.web.page_session import parsed, plain_form
from adapters.web.render import message, page
from adapters.web.routing import SERVICES
from agents.services.commands import AcceptInvitation
from schemas.api import LoginIn


async def _form_page(request, inv, values=None, problem=None, status=200):
    svc = request.app[SERVICES]
    tenant = await svc.tenants.get(inv.tenant_id)
    return page(
        "invite.html",
        status,
        supplier=svc.catalog.supplier(inv.supplier_id),
        tenant_name=tenant.name if tenant else "Your bookkeeper",
        fixed_variant=inv.portal_variant is not None,
        values=values or {},
        problem=problem,
    )


def _gone(err: ApiError) -> web.Response:
    return message(
        "This link cannot be used",
        err.detail.message,
        err.status,
        code=err.detail.code,
        hint="Ask the person who invited you for a new link if you still need one.",
    )


async def invitation_page(request: web.Request) -> web.Response:
    try:
        inv = await request.app[SERVICES].invitations.open(request.match_info["token"])
    except FAILURES as exc:
        return _gone(as_api_error(exc))
    return await _form_page(request, inv)


async def invitation_submit(request: web.Request) -> web.Response:
    svc, token = request.app[SERVICES], request.match_info["token"]
    try:
        inv = await svc.invitations.open(token)
    except FAILURES as exc:
        return _gone(as_api_error(exc))
    form = await plain_form(request)
    variant = form.pop("portal_variant", None)
    try:
        login = login_of(parsed(LoginIn, form))
        await svc.invitations.accept(AcceptInvitation(token, variant, login))
    except FAILURES as exc:
        err = as_api_error(exc)
        if err.status == 410:
            return _gone(err)
        form.pop("password", None)
        values = form | {"portal_variant": variant or ""}
        return await _form_page(request, inv, values, err.detail, err.status)
    supplier = svc.catalog.supplier(inv.supplier_id).name
    return message(
        f"{supplier} is connected",
        f"Thank you. Billhound is collecting your {supplier} documents now. "
        "You can close this page.",
        code="connected",
    )


def add_invite_pages(app: web.Application) -> None:
    app.router.add_get("/invite/{token}", invitation_page)
    app.router.add_post("/invite/{token}", invitation_submit)
