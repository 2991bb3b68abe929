"""The declarative HTML engine: a server-rendered portal driven by its catalog entry.

Navigation lives here (which URL, which form, in what order); reading pages is
`html_pages`, pure functions the parser tests run on saved pages.
"""

from collections.abc import AsyncIterator
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urljoin

from adapters.portals.engines import html_pages as pages
from adapters.portals.engines.config import HtmlConfig
from adapters.portals.engines.two_factor import answer_totp, code_sent
from adapters.portals.engines.values import recent
from adapters.portals.http import PortalHttp
from adapters.portals.protocol import (
    ChallengeExpired,
    DocumentRef,
    PortalError,
    WrongChallengeCode,
)
from schemas.records import Credentials


class HtmlPortal:
    def __init__(self, http: PortalHttp, config: HtmlConfig) -> None:
        self.http, self.cfg = http, config
        self._pending: pages.Form | None = None  # the code form while a challenge waits

    async def login(self, credentials: Credentials) -> None:
        login = self.cfg.login
        resp, page = await self.http.request("GET", login.path)
        form = pages.read_form(pages.tree(page), login.form, str(resp.url))
        data = form.fields | {
            login.login_field: credentials.login,
            login.password_field: credentials.password.get_secret_value(),
        }
        resp, page = await self.http.request("POST", form.action, data=data)
        try:
            step = pages.login_step(page, self.cfg)
        except PortalError as err:
            if err.action_url:  # links on the page are relative to it
                err.action_url = self.http.url(err.action_url)
            raise
        if step is pages.LoginStep.SIGNED_IN:
            return
        await self._two_factor(page, str(resp.url), credentials)

    async def _two_factor(
        self, page: bytes, url: str, credentials: Credentials
    ) -> None:
        cfg = self.cfg.two_factor
        assert cfg is not None  # login_step only reports 2-factor when configured
        prompt = pages.two_factor_prompt(page, cfg, url)
        self._pending = prompt.form
        if prompt.medium is None:  # an authenticator app: we answer it ourselves
            await answer_totp(credentials, self.answer_challenge)
            return
        raise code_sent(prompt.medium, prompt.destination, cfg.ttl_seconds)

    async def answer_challenge(self, code: str) -> None:
        cfg = self.cfg.two_factor
        if cfg is None or self._pending is None:
            raise ChallengeExpired("no code request is waiting at the portal")
        form, self._pending = self._pending, None
        _, page = await self.http.request(
            "POST", form.action, data=form.fields | {cfg.code_field: code}
        )
        if pages.is_wrong_code(page, cfg):
            raise WrongChallengeCode("the portal refused the code", field="code")
        if pages.has_form(page, self.cfg.login.form):
            raise ChallengeExpired("the portal's code request timed out")
        if pages.login_step(page, self.cfg) is not pages.LoginStep.SIGNED_IN:
            raise WrongChallengeCode("the portal asked for a code again", field="code")

    async def resume(self) -> bool:
        _, page = await self.http.request("GET", self.cfg.documents.path)
        return not pages.has_form(page, self.cfg.login.form)

    async def list_documents(self, since: date) -> AsyncIterator[DocumentRef]:
        docs = self.cfg.documents
        path: str | None = docs.path
        while path is not None:
            resp, page = await self.http.request("GET", path)
            if pages.has_form(page, self.cfg.login.form):
                raise PortalError("the portal signed us out while listing")
            refs, nxt = pages.document_page(page, docs, self.cfg.values)
            # Links are relative to the page they stand on ("?page=2", "page/2",
            # "../inv.pdf"), as a browser reads them, never to the portal's root.
            refs, older_seen = recent(refs, since, partial(urljoin, str(resp.url)))
            for ref in refs:
                yield ref
            # Newest first: once a page reaches before `since`, older pages only hold
            # older documents.
            more = nxt is not None and not (older_seen and docs.newest_first)
            path = self.http.url(urljoin(str(resp.url), nxt)) if more else None

    async def download(self, ref: DocumentRef) -> bytes:
        data = await self.http.document(ref)
        if not data.startswith(b"%PDF") and pages.has_form(data, self.cfg.login.form):
            # The session ended under us: the sign-in page is no document, and keeping
            # it would mark the document as fetched. Fail; the next run fetches it.
            raise PortalError(
                f"signed out while downloading {ref.supplier_document_id}"
            )
        return data

    def export_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"cookies": self.http.export_cookies()}
        if self._pending is not None:
            state["pending"] = {
                "action": self._pending.action,
                "fields": self._pending.fields,
            }
        return state

    def restore_state(self, state: dict[str, Any]) -> None:
        self.http.restore_cookies(state.get("cookies", []))
        if pending := state.get("pending"):
            self._pending = pages.Form(pending["action"], pending["fields"])
