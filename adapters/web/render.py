"""Server-rendered HTML: one Jinja environment, autoescaped, and safe headers."""

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from aiohttp import web
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from jinja2 import (
    Environment,
    PackageLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)

from schemas.locale import DEFAULT_LOCALE

STATE_LABEL = {
    "connected": "Connected",
    "fetching": "Fetching",
    "waiting_for_code": "Waiting for a code",
    "waiting_for_person": "Waiting for you",
    "stalled": "Stopped: our team is on it",
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


def when(ctx, value: datetime | None) -> str:
    """A moment as the tenant's locale writes it, in UTC (said, so nobody guesses)."""
    if value is None:
        return "—"
    loc = ctx.get("locale") or DEFAULT_LOCALE
    return (
        f"{format_date(value, 'medium', locale=loc)} "
        f"{format_time(value, 'HH:mm', tzinfo=UTC, locale=loc)} UTC"
    )


def day(ctx, value: date | None) -> str:
    if value is None:
        return ""
    return format_date(value, "medium", locale=ctx.get("locale") or DEFAULT_LOCALE)


def money(ctx, amount: Decimal | None, currency: str | None) -> str:
    """An amount as the tenant's locale writes it: "€1,234.56" or "1.234,56 €"."""
    if amount is None:
        return ""
    loc = ctx.get("locale") or DEFAULT_LOCALE
    if not currency:
        return format_decimal(amount, format="#,##0.00", locale=loc)
    return format_currency(amount, currency, locale=loc)


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("adapters.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
    )
    env.filters["when"] = pass_context(when)
    env.filters["day"] = pass_context(day)
    env.globals |= {
        "STATE_LABEL": STATE_LABEL,
        "INVITE_LABEL": INVITE_LABEL,
        "money": pass_context(money),
    }
    return env


def page(name: str, status: int = 200, **values) -> web.Response:
    values.setdefault("problem", None)
    values.setdefault("problem_for", None)
    values.setdefault("fresh", None)
    values.setdefault("values", {})
    values.setdefault("locale", DEFAULT_LOCALE)
    values["lang"] = str(values["locale"]).replace("_", "-").split("-")[0]
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
