"""One Chromium per worker for the browser engine: Debian's own (/usr/bin/chromium),
driven by Playwright, never a browser Playwright downloads. Each fetch run gets a
fresh context (its own cookies and storage), closed when the run ends; contexts open
at once are capped, and runs beyond the cap wait while HTTP runs go on."""

import asyncio
import logging
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.portals.http import USER_AGENT
from adapters.portals.protocol import PortalUnavailable

log = logging.getLogger(__name__)

CHROMIUM = (
    os.environ.get("BILLHOUND_CHROMIUM")
    or shutil.which("chromium")
    or ("/usr/bin/chromium")
)
# A closed network: no calls home, no GPU; --no-sandbox as the worker runs in its
# own container or user already.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserPool:
    """Started on the first browser run, so a worker whose catalog has no browser
    supplier never starts Chromium."""

    def __init__(self, max_contexts: int = 8) -> None:
        self.max_contexts = max_contexts
        self._slots = asyncio.Semaphore(max_contexts)
        self._start_lock = asyncio.Lock()
        self._playwright = None
        self._browser = None
        self.open_contexts = 0

    async def _started(self):
        async with self._start_lock:
            if self._browser is None or not self._browser.is_connected():
                from playwright.async_api import async_playwright

                if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - once per start
                    raise PortalUnavailable(
                        f"Chromium is not installed at {CHROMIUM} (make browser)"
                    )
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=CHROMIUM, args=FLAGS
                )
                log.info("browser started for the browser engine: %s", CHROMIUM)
            return self._browser

    @asynccontextmanager
    async def context(self, base_url: str) -> AsyncIterator[object]:
        """A fresh context on the portal's address, closed when the run ends."""
        async with self._slots:
            browser = await self._started()
            context = await browser.new_context(
                base_url=base_url,
                accept_downloads=True,
                user_agent=USER_AGENT,
                viewport={"width": 1280, "height": 900},
            )
            # One page per run: a window the portal opens (a popup, a new tab) is
            # closed, so nothing runs, or is shown to a person, outside it.
            context.on("page", _close_extra(context))
            self.open_contexts += 1
            try:
                yield context
            finally:
                self.open_contexts -= 1
                try:
                    await context.close()
                except Exception:  # noqa: BLE001 - a browser gone already closed it
                    log.debug("context already closed", exc_info=True)

    async def close(self) -> None:
        if self._browser is not None:
            try:
                await self._browser.close()
            except Exception:  # noqa: BLE001 - closing at exit: nothing to report to
                log.debug("browser already gone", exc_info=True)
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None


def _close_extra(context):
    async def close(page) -> None:
        if len(context.pages) > 1:
            await page.close()

    return close
