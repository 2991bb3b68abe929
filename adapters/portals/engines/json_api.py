"""The JSON API engine: token login, paginated document list, download, from config.

Single-page-app portals talk to an API like this behind their JavaScript; calling the
API directly is faster and steadier than driving the page.
"""

import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from adapters.portals.engines.config import JsonApiConfig, JsonDocuments, Values
from adapters.portals.engines.two_factor import answer_totp, code_sent
from adapters.portals.engines.values import document_ref, recent
from adapters.portals.http import PortalHttp
from adapters.portals.protocol import (
    ERROR_BY_CODE,
    LOGIN,
    ChallengeExpired,
    DocumentRef,
    InvalidCredentials,
    LayoutChanged,
    PortalError,
    WrongChallengeCode,
)
from schemas.errors import ErrorCode
from schemas.records import Credentials


def dig(data: Any, path: str) -> Any:
    """Follow a dotted path ("amount.value") through dicts; None where it ends."""
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def parse_json(body: bytes, where: str) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise LayoutChanged(f"{where} did not answer JSON") from exc


def document_page(
    answer: Any, docs: JsonDocuments, values: Values
) -> tuple[list[DocumentRef], bool]:
    """The refs in one list answer, and whether another page follows (pure)."""
    items = dig(answer, docs.items)
    if not isinstance(items, list):
        raise LayoutChanged(f"document list has no {docs.items!r} array")
    refs = [
        document_ref(
            {
                name: None if (v := dig(item, path)) is None else str(v)
                for name, path in docs.fields.items()
            },
            values,
        )
        for item in items
    ]
    return refs, dig(answer, docs.next) is not None


class JsonApiPortal:
    def __init__(self, http: PortalHttp, config: JsonApiConfig) -> None:
        self.http, self.cfg = http, config
        self._token: str | None = None
        self._ticket: str | None = None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    async def login(self, credentials: Credentials) -> None:
        login = self.cfg.login
        body = {
            login.login_key: credentials.login,
            login.password_key: credentials.password.get_secret_value(),
        }
        _, raw = await self.http.request("POST", login.path, json=body)
        answer = self._signed_in_or_raise(parse_json(raw, "login"))
        if answer is not None:
            await self._two_factor(answer, credentials)

    def _signed_in_or_raise(self, answer: Any) -> Any:
        """Keep the token, or return the challenge object, or raise the refusal."""
        login = self.cfg.login
        if token := dig(answer, login.token):
            self._token = str(token)
            return None
        if login.challenge and (challenge := dig(answer, login.challenge)):
            return challenge
        code = dig(answer, login.error)
        if code in login.unknown_login:  # no such account: no password was refused
            raise InvalidCredentials(f"portal said: {code}", field=LOGIN)
        if code in login.errors:
            action = dig(answer, login.action_url) if login.action_url else None
            raise ERROR_BY_CODE[login.errors[code]](
                f"portal said: {code}", action_url=action
            )
        raise LayoutChanged(f"login answer has no token and no known error ({code!r})")

    async def _two_factor(self, challenge: Any, credentials: Credentials) -> None:
        cfg = self.cfg.two_factor
        if cfg is None:
            raise LayoutChanged("portal asked for 2-factor; the catalog knows none")
        self._ticket = str(dig(challenge, cfg.ticket) or "")
        method = str(dig(challenge, cfg.method) or "").lower()
        if method == "totp":
            await answer_totp(credentials, self.answer_challenge)
            return
        hint = dig(challenge, cfg.destination) if cfg.destination else None
        raise code_sent(method, hint, cfg.ttl_seconds)

    async def answer_challenge(self, code: str) -> None:
        cfg = self.cfg.two_factor
        if cfg is None or not self._ticket:
            raise ChallengeExpired("no code request is waiting at the portal")
        ticket, self._ticket = self._ticket, None
        _, raw = await self.http.request(
            "POST", cfg.path, json={"ticket": ticket, "code": code}
        )
        try:
            if self._signed_in_or_raise(parse_json(raw, "2-factor")) is not None:
                raise WrongChallengeCode("the portal asked for a code again")
        except PortalError as exc:
            if exc.code is ErrorCode.INVALID_CREDENTIALS:  # how APIs say "wrong code"
                raise WrongChallengeCode("the portal refused the code") from exc
            raise

    async def resume(self) -> bool:
        if not self._token:
            return False
        resp, _ = await self._get_page(1)
        return resp.status == 200

    async def _get_page(self, number: int):
        docs = self.cfg.documents
        return await self.http.request(
            "GET", docs.path, params={docs.page_param: number}, headers=self._headers()
        )

    async def list_documents(self, since: date) -> AsyncIterator[DocumentRef]:
        docs, number = self.cfg.documents, 1
        while True:
            resp, raw = await self._get_page(number)
            if resp.status in (401, 403):
                raise PortalError("the portal refused our token while listing")
            refs, more = document_page(
                parse_json(raw, "document list"), docs, self.cfg.values
            )
            refs, older_seen = recent(refs, since, self.http.url)
            for ref in refs:
                yield ref
            if not more or (older_seen and docs.newest_first):
                return
            number += 1

    async def download(self, ref: DocumentRef) -> bytes:
        return await self.http.document(ref, headers=self._headers())

    def export_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"cookies": self.http.export_cookies()}
        if self._token:
            state["token"] = self._token
        if self._ticket:
            state["ticket"] = self._ticket
        return state

    def restore_state(self, state: dict[str, Any]) -> None:
        self.http.restore_cookies(state.get("cookies", []))
        self._token = state.get("token")
        self._ticket = state.get("ticket")
