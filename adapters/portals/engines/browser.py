"""The browser engine: a portal that only works in a real browser (rendered by script,
a login token computed by script, downloads made as blobs), driven along the click
path its catalog entry writes, in a fresh browser context per run.

The list is read from the rendered page with the HTML engine's field rules; how a
login went is told by the same kinds of rules, with the same error taxonomy."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright.async_api import Error as BrowserError
from playwright.async_api import TimeoutError as BrowserTimeout

from adapters.portals.engines import html_pages as pages
from adapters.portals.engines.browser_pages import (
    POLL,
    first_fill,
    first_row_html,
    matching,
    raise_for_status,
    row_id,
    unreachable,
)
from adapters.portals.engines.browser_steps import ClickPath
from adapters.portals.engines.config import Rule
from adapters.portals.engines.two_factor import answer_totp
from adapters.portals.engines.values import document_ref, recent
from adapters.portals.protocol import (
    ERROR_BY_CODE,
    LOGIN,
    ChallengeExpired,
    DocumentRef,
    InvalidCredentials,
    LayoutChanged,
    PersonNeeded,
    PortalError,
    WrongChallengeCode,
)
from schemas.records import ChallengeMedium, Credentials

# Chromium drops a page's downloads beyond ten in quick succession (measured: the
# eleventh of an unpaced run never starts); clicks are spaced at least this far.
CLICK_SPACING = 0.12


class BrowserPortal(ClickPath):
    """A PortalSession (and PersonSession) on the click path: sign in, a person's
    step, the list and its downloads."""

    _last_click = 0.0  # when this run last clicked a download (set on the instance)

    # -- PortalSession ---------------------------------------------------------

    async def login(self, credentials: Credentials) -> None:
        self._credentials = credentials
        login = self.cfg.login
        async with self._lock:
            await self._run("login", login.steps)
            await self._outcome(credentials)
            await self._save()

    def _outcomes(self, person: bool) -> dict[str, Rule]:
        """What a page after a login may show, surest first."""
        login = self.cfg.login
        rules: dict[str, Rule] = {"signed_in": login.signed_in}
        if login.two_factor is not None:
            rules["two_factor"] = login.two_factor.prompt
        if person:
            rules |= {f"person:{medium}": rule for medium, rule in login.person.items()}
        rules |= {code.value: rule for code, rule in login.refusals.items()}
        if login.unknown_login is not None:
            rules["unknown_login"] = login.unknown_login
        rules["failure"] = login.failure
        return rules

    async def _outcome(self, credentials: Credentials) -> None:
        name, text = await self._first(self._outcomes(person=True), "login")
        await self._judge(name, text, credentials)

    async def wait_for_person(self, seconds: float) -> None:
        """While the person's step shows, they are at it; then the page says how
        it went, as after a login."""
        rules = self._outcomes(person=False)
        # The person acts on this portal's page only: a link to another site goes
        # nowhere while they are at it.
        await self.page.route("**/*", self._same_site_only)
        try:
            name, text = await self._first(rules, "person", seconds)
        except LayoutChanged:
            raise ChallengeExpired(
                "nobody finished the portal's check in time"
            ) from None
        finally:
            await self.page.unroute("**/*", self._same_site_only)
        async with self._lock:
            await self._judge(name, text, self._credentials)
            await self._save()

    async def _same_site_only(self, route, request) -> None:
        elsewhere = urlsplit(request.url).netloc != urlsplit(self.base).netloc
        if request.is_navigation_request() and elsewhere:
            await route.abort()
        else:
            await route.continue_()

    async def _judge(self, name: str, text: str, credentials) -> None:
        login = self.cfg.login
        if name.startswith("person:"):
            medium = ChallengeMedium(name.removeprefix("person:"))
            raise PersonNeeded(medium, self.cfg.person_seconds)
        if name == "signed_in":
            return
        if name == "two_factor":
            await answer_totp(credentials, self._answer_totp)
            return
        if name == "unknown_login":
            raise InvalidCredentials(f"portal said: {text}", field=LOGIN)
        if name == "failure":
            raise InvalidCredentials(f"portal said: {text}")
        raise ERROR_BY_CODE[next(c for c in login.refusals if c.value == name)](
            f"portal said: {text}"
        )

    async def _answer_totp(self, code: str) -> None:
        two = self.cfg.login.two_factor
        assert two is not None
        page = await self._page()
        for step in two.steps:
            if step.fill is not None and step.value == "totp":
                async with self.pace:
                    await page.fill(
                        step.fill, code, timeout=self.cfg.step_seconds * 1000
                    )
            else:
                await self._run("2-factor", [step])
        rules = {"signed_in": self.cfg.login.signed_in, "failure": two.failure}
        name, _ = await self._first(rules, "2-factor")
        if name == "failure":
            raise WrongChallengeCode("the portal refused the code", field="code")

    async def answer_challenge(self, code: str) -> None:
        # A code sent to a person would need this page kept alive between runs.
        raise ChallengeExpired("the browser engine answers authenticator codes only")

    async def resume(self) -> bool:
        start = [s for s in self.cfg.login.steps if s.goto is not None][:1]
        async with self._lock:
            await self._run("resume", start)
            rules = {"signed_in": self.cfg.login.signed_in}
            rules["login"] = Rule(css=first_fill(self.cfg.login.steps) or "form")
            try:
                name, _ = await self._first(rules, "resume")
            except LayoutChanged:
                return False
            if name == "signed_in":
                await self._save()
            return name == "signed_in"

    async def list_documents(self, since: date) -> AsyncIterator[DocumentRef]:
        docs = self.cfg.documents
        async with self._lock:
            await self._open_list()
        seen, first = 0, None
        while True:
            async with self._lock:
                html = (await self.page.content()).encode()
            doc = pages.tree(html)
            if doc.css_first(docs.table) is None:
                raise LayoutChanged(f"document list {docs.table!r} not found")
            rows = doc.css(docs.row)
            if rows and first is not None and row_id(rows[0], docs) != first:
                seen = 0  # a next page replaced the rows; "load more" appends them
            first = row_id(rows[0], docs) if rows else None
            refs = [self._ref(row) for row in rows[seen:]]
            seen = len(rows)
            refs, older_seen = recent(refs, since, partial(urljoin, self.page.url))
            for ref in refs:
                yield ref
            if older_seen and docs.newest_first:
                break
            async with self._lock:
                moved = await self._page_on(len(rows))
            if not moved:
                break
        async with self._lock:
            await self._save()

    def _ref(self, row) -> DocumentRef:
        docs = self.cfg.documents
        raw = {name: pages.pick(row, spec) for name, spec in docs.fields.items()}
        if docs.download == "click":
            raw["download"] = f"click:{raw.get('id') or ''}"
        return document_ref(raw, self.cfg.values)

    async def _open_list(self) -> None:
        await self._run("documents", self.cfg.documents.steps)
        try:
            await self.page.wait_for_selector(
                self.cfg.documents.table, timeout=self.cfg.step_seconds * 1000
            )
        except BrowserTimeout:
            raise LayoutChanged(
                f"document list {self.cfg.documents.table!r} not found"
            ) from None

    async def _page_on(self, rows: int) -> bool:
        """Click 'load more' or 'next' if the list shows one; False at the end."""
        docs = self.cfg.documents
        for rule, grows in ((docs.more, True), (docs.next, False)):
            if rule is None:
                continue
            button = matching(self.page, rule)
            if not await button.count() or not await button.first.is_enabled():
                continue
            before = await first_row_html(self.page, docs.row)
            async with self.pace:
                await button.first.click(timeout=self.cfg.step_seconds * 1000)
            # Polled from here, not by a script in the page: a portal's CSP may
            # forbid the eval a page-side wait needs.
            deadline = time.monotonic() + self.cfg.step_seconds
            while time.monotonic() < deadline:
                if grows and await self.page.locator(docs.row).count() > rows:
                    break
                now = "" if grows else await first_row_html(self.page, docs.row)
                if not grows and now not in ("", before):
                    break
                await asyncio.sleep(POLL)
            else:
                raise LayoutChanged(
                    f"documents: {rule.css!r} clicked, no new rows within "
                    f"{self.cfg.step_seconds:g}s"
                )
            return True
        return False

    async def download(self, ref: DocumentRef) -> bytes:
        if self.cfg.documents.download == "click":
            async with self._lock:
                return await self._click_download(ref)
        url = self._url(ref.download_url)
        try:
            async with self.pace:
                resp = await self.context.request.get(
                    url, timeout=self.cfg.step_seconds * 1000
                )
                raise_for_status(resp.status, urlsplit(url).path, resp.headers)
                body = await resp.body()
        except BrowserError as exc:
            raise unreachable(exc) from None
        if resp.status != 200:
            raise PortalError(f"download of {ref.supplier_document_id}: {resp.status}")
        return body

    async def _click_download(self, ref: DocumentRef) -> bytes:
        """The row's button clicked and the browser's download taken; a row paged
        away is found again from the top of the list."""
        docs, wanted = self.cfg.documents, ref.supplier_document_id
        for attempt in range(2):
            row = await self._row_on_page(wanted)
            while row is None and attempt == 1:
                rows = await self.page.locator(docs.row).count()
                if not await self._page_on(rows):
                    break
                row = await self._row_on_page(wanted)
            if row is not None:
                await asyncio.sleep(self._last_click + CLICK_SPACING - time.monotonic())
                self._last_click = time.monotonic()
                button = row.locator(docs.download_button)
                try:
                    async with (
                        self.pace,
                        self.page.expect_download(
                            timeout=self.cfg.step_seconds * 1000
                        ) as started,
                    ):
                        await button.first.click(timeout=self.cfg.step_seconds * 1000)
                    download = await started.value
                    if (failure := await download.failure()) is not None:
                        raise PortalError(f"download of {wanted} failed: {failure}")
                    data = Path(await download.path()).read_bytes()  # noqa: ASYNC240
                    await download.delete()
                    return data
                except BrowserTimeout:
                    raise LayoutChanged(
                        f"download of {wanted}: {docs.download_button!r} clicked, no "
                        f"download within {self.cfg.step_seconds:g}s"
                    ) from None
            if attempt == 0:
                await self._open_list()
        raise PortalError(f"document {wanted} is no longer on the portal's list")

    async def _row_on_page(self, wanted: str):
        """The row of this document on the page as it stands, if it is there: found
        by the catalog's field rules in the rendered page, then clicked live (both
        count rows by the same selector, in document order)."""
        docs = self.cfg.documents
        rendered = pages.tree((await self.page.content()).encode())
        for i, node in enumerate(rendered.css(docs.row)):
            if row_id(node, docs) == wanted:
                return self.page.locator(docs.row).nth(i)
        return None
