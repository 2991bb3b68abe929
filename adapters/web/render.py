"""Server-rendered HTML: one Jinja environment, autoescaped, and safe headers."""

from datetime import datetime
from functools import cache

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

STATE_LABEL = {
    "connected": "Connected",
    "fetching": "Fetching",
    "waiting_for_code": "Waiting for a code",
    "disrupted": "Disrupted",
    "paused": "Paused",
}
INVITE_LABEL = {
    "pending": "Sent",
    "completed": "Connected",
    "expired": "Expired",
    "revoked": "Withdrawn",
}
HEADERS = {
    # The invitation token is in the URL: never hand it on as a referrer.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


def when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y %H:%M UTC") if value else "—"


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("adapters.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
    )
    env.filters["when"] = when
    env.globals |= {"STATE_LABEL": STATE_LABEL, "INVITE_LABEL": INVITE_LABEL}
    return env


def page(name: str, status: int = 200, **values) -> web.Response:
    values.setdefault("refresh", None)
    values.setdefault("problem", None)
    values.setdefault("values", {})
    html = _env().get_template(name).render(values)
    return web.Response(
        text=html, status=status, content_type="text/html", headers=HEADERS
    )


def message(
    heading: str, text: str, status: int = 200, code: str = "", hint: str = ""
) -> web.Response:
    return page(
        "message.html",
        status,
        heading=heading,
        message=text,
        code=code,
        hint=hint,
        error=status >= 400,
    )
