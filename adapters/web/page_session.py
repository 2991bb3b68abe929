"""Signing in to the pages with the tenant's API key: a random session cookie (kept
hashed), a form token bound to it, and form parsing shared by every page."""

import functools
import re

from aiohttp import web
from pydantic import BaseModel, ValidationError

from adapters.web.errors import ApiError, invalid
from adapters.web.render import page
from adapters.web.routing import SERVICES
from adapters.web.security import csrf_token, same
from agents.services.tenants import SESSION_HOURS
from schemas.records import Tenant

COOKIE = "bh_session"


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


async def signed_in(request: web.Request) -> tuple[Tenant, str] | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    tenant = await request.app[SERVICES].tenants.session(token)
    return (tenant, token) if tenant else None


async def plain_form(request: web.Request) -> dict[str, str]:
    """A posted form's text fields; an empty optional field counts as not sent (the
    password is kept, so an empty one is refused rather than missing)."""
    form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    return {k: v for k, v in form.items() if v != "" or k == "password"}


async def form_of(request: web.Request, session_token: str) -> dict[str, str]:
    form = await plain_form(request)
    if not same(form.pop("csrf", ""), csrf_token(session_token)):
        raise ApiError(403, "csrf", "The form expired: reload the page and try again.")
    return form


def parsed(model: type[BaseModel], form: dict[str, str]) -> BaseModel:
    try:
        return model.model_validate(form)
    except ValidationError as exc:
        raise invalid(exc) from None


async def login_page(request: web.Request) -> web.Response:
    return page("login.html", error=None)


async def login(request: web.Request) -> web.Response:
    svc = request.app[SERVICES]
    form = await request.post()
    key = str(form.get("api_key", "")).strip()
    # A mailed link's place on the page (#connection-…) survives signing in.
    place = str(form.get("place", ""))
    place = place if re.fullmatch(r"#connection-[A-Za-z0-9_-]{1,64}", place) else ""
    session = await svc.tenants.sign_in(key)
    if session is None:
        return page("login.html", 401, error="That API key is not valid.")
    _, token = session
    resp = redirect(f"/?notice=signed-in{place}")
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
        await request.app[SERVICES].tenants.sign_out(session[1])
    resp = redirect("/login")
    resp.del_cookie(COOKIE)
    return resp


def signed_in_page(handler):
    """A page for signed-in people: handler(request, tenant, session token);
    everyone else goes to the sign-in page."""

    @functools.wraps(handler)
    async def page_handler(request: web.Request) -> web.Response:
        session = await signed_in(request)
        if session is None:
            return redirect("/login")
        return await handler(request, *session)

    return page_handler
