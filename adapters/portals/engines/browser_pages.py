"""Reading a live page for the browser engine: which of the catalog's rules shows, a
row's id, and the browser's answers and errors in the taxonomy's terms."""

import asyncio
import re
import time

from playwright.async_api import Error as BrowserError

from adapters.portals.engines import html_pages as pages
from adapters.portals.engines.browser_config import Step
from adapters.portals.engines.config import Rule
from adapters.portals.protocol import (
    LayoutChanged,
    PortalError,
    PortalUnavailable,
    RateLimited,
)

POLL = 0.1  # how often a rendered page is looked at while waiting for an outcome


def matching(page, rule: Rule):
    """The elements a rule names: its CSS, with `contains` in their text if set."""
    found = page.locator(rule.css)
    if rule.contains:
        found = found.filter(has_text=re.compile(re.escape(rule.contains), re.I))
    return found


async def showing(page, rules: dict[str, Rule]) -> tuple[str, str] | None:
    """The first rule, in order, with a visible element, and that element's text."""
    for name, rule in rules.items():
        found = matching(page, rule)
        try:
            if await found.count() and await found.first.is_visible():
                return name, (await found.first.inner_text()).strip()
        except BrowserError:  # the page navigated while looked at
            return None
    return None


async def first_of(
    page, rules: dict[str, Rule], where: str, seconds: float
) -> tuple[str, str]:
    """Which of the rules shows on the rendered page, and its text: once one shows,
    all are looked at again in their order, so a message that appeared between two
    looks is judged by the surest rule ("single sign-on" before any error)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        appeared = await showing(page, rules) is not None
        if appeared and (shown := await showing(page, rules)) is not None:
            return shown
        await asyncio.sleep(POLL)
    wanted = ", ".join(f"{n} {r.css!r}" for n, r in rules.items())
    raise LayoutChanged(f"{where}: none of {wanted} appeared within {seconds:g}s")


async def first_row_html(page, row_css: str) -> str:
    return await page.evaluate(
        "css => (document.querySelector(css) || {}).outerHTML || ''", row_css
    )


def row_id(row, docs) -> str | None:
    value = pages.pick(row, docs.fields["id"]) if "id" in docs.fields else None
    return (value or "").strip() or None


def first_fill(steps: list[Step]) -> str | None:
    return next((s.fill for s in steps if s.fill), None)


def raise_for_status(status: int, where: str, headers: dict) -> None:
    retry = headers.get("retry-after")
    seconds = float(retry) if retry and retry.isdigit() else None
    if status == 429:
        raise RateLimited(f"portal answered 429 at {where}", retry_after=seconds)
    if status >= 500:
        raise PortalUnavailable(
            f"portal answered {status} at {where}", retry_after=seconds
        )


def unreachable(exc: Exception) -> PortalError:
    message = str(exc).splitlines()[0][:200]
    if "net::" in message or "Target" in message or "closed" in message:
        return PortalUnavailable(f"cannot reach portal in the browser: {message}")
    return PortalError(f"browser: {message}")
