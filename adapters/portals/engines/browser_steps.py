"""The browser engine's click path: a portal page in a fresh browser context, driven
along the steps a catalog entry writes (go to, fill, click, wait for a selector, a URL
or an answer), each within the supplier's request rate; a step that does not happen
is layout_changed, naming it."""

import asyncio
import time
from contextlib import AbstractAsyncContextManager
from fnmatch import fnmatch
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.async_api import Error as BrowserError
from playwright.async_api import TimeoutError as BrowserTimeout

from adapters.portals.engines.browser_config import BrowserConfig, Step
from adapters.portals.engines.browser_pages import (
    POLL,
    first_of,
    raise_for_status,
    unreachable,
)
from adapters.portals.engines.config import Rule
from adapters.portals.protocol import LayoutChanged, PortalError
from schemas.records import Credentials


class ClickPath:
    """One portal page in a fresh browser context, driven along the catalog's steps,
    each within the supplier's request rate; its cookies are the kept session."""

    def __init__(
        self,
        context,
        base_url: str,
        config: BrowserConfig,
        pace: AbstractAsyncContextManager,
    ) -> None:
        self.context, self.cfg, self.pace = context, config, pace
        self.base = base_url.rstrip("/") + "/"
        self.page = None
        self._kept: dict[str, Any] = {}  # storage state as last seen
        self._restore: dict[str, Any] | None = None
        self._lock = asyncio.Lock()  # one page: one action at a time
        self._credentials: Credentials | None = None
        self._answers: list[str] = []  # URLs the page had answers from, in order
        self._step_began = 0  # how many answers there were when the last step began

    # -- the click path --------------------------------------------------------

    async def _page(self):
        if self.page is None:
            if self._restore:
                await self.context.add_cookies(self._restore.get("cookies", []))
                self._restore = None
            self.page = await self.context.new_page()
            self.page.on("response", lambda r: self._answers.append(r.url))
        return self.page

    async def _run(self, where: str, steps: list[Step]) -> None:
        page = await self._page()
        timeout = self.cfg.step_seconds * 1000
        for n, step in enumerate(steps, 1):
            if step.wait_response is None:  # what it waits for follows the step before
                self._step_began = len(self._answers)
            try:
                async with self.pace:
                    await self._do(page, step, timeout)
            except BrowserTimeout:
                raise LayoutChanged(
                    f"{where} step {n} ({step.describe()}) timed out after "
                    f"{self.cfg.step_seconds:g}s"
                ) from None
            except BrowserError as exc:
                raise unreachable(exc) from None

    async def _do(self, page, step: Step, timeout: float) -> None:
        if step.goto is not None:
            resp = await page.goto(self._url(step.goto), timeout=timeout)
            if resp is not None:
                raise_for_status(resp.status, step.goto, resp.headers)
        elif step.fill is not None:
            await page.fill(step.fill, self._value(step.value), timeout=timeout)
        elif step.click is not None:
            await page.click(step.click, timeout=timeout)
        elif step.wait is not None:
            await page.wait_for_selector(step.wait, timeout=timeout)
        elif step.wait_url is not None:
            await page.wait_for_url(step.wait_url, timeout=timeout)
        elif step.wait_response is not None:
            await self._answer_from(step.wait_response, timeout / 1000)

    async def _answer_from(self, pattern: str, seconds: float) -> None:
        """Until the page has had an answer from a URL matching the glob since the
        step before began (an answer that came during a click counts)."""
        deadline = time.monotonic() + seconds
        while not any(
            fnmatch(url, pattern) for url in self._answers[self._step_began :]
        ):
            if time.monotonic() > deadline:
                raise BrowserTimeout(f"no answer from {pattern}")
            await asyncio.sleep(POLL)

    def _value(self, which: str | None) -> str:
        creds = self._credentials
        if creds is None:
            raise PortalError("a fill step ran without a login")
        if which == "login":
            return creds.login
        if which == "password":
            return creds.password.get_secret_value()
        raise PortalError(f"a fill step asks for {which!r} outside 2-factor")

    def _url(self, path: str) -> str:
        """An address on this portal; the catalog, never a page, names hosts."""
        absolute = urljoin(self.base, path)
        if urlsplit(absolute).netloc != urlsplit(self.base).netloc:
            raise LayoutChanged(f"portal linked to another host: {absolute}")
        return absolute

    async def _first(
        self, rules: dict[str, Rule], where: str, seconds: float | None = None
    ) -> tuple[str, str]:
        page = await self._page()
        return await first_of(page, rules, where, seconds or self.cfg.step_seconds)

    async def _save(self) -> None:
        self._kept = await self.context.storage_state()

    def export_state(self) -> dict[str, Any]:
        return {"storage": self._kept} if self._kept else {}

    def restore_state(self, state: dict[str, Any]) -> None:
        self._restore = state.get("storage") or None
