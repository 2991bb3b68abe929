"""Adapter for server-rendered HTML portals shaped like the Northwind demo portal.

Navigation (URLs, the login routine) is kept apart from parsing (pure functions over
HTML), as in woob's browser.py / pages.py split.
"""

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin

import aiohttp
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from adapters.portals.http import fetch
from adapters.portals.protocol import (
    DocumentRef,
    InvalidCredentials,
    LayoutChanged,
    PortalError,
)
from schemas.records import Credentials, DocumentKind, DocumentMetadata

LOGIN = "/login"
INVOICES = "/account/invoices"


class DemoHtmlPortal:
    def __init__(self, client: aiohttp.ClientSession, base_url: str) -> None:
        self._client = client
        self._base = base_url.rstrip("/") + "/"

    def _url(self, path: str) -> str:
        return urljoin(self._base, path.lstrip("/"))

    async def login(self, credentials: Credentials) -> None:
        _, page = await fetch(self._client, "GET", self._url(LOGIN))
        token = parse_csrf_token(page)
        form = {
            "csrf_token": token,
            "username": credentials.login,
            "password": credentials.password.get_secret_value(),
        }
        resp, page = await fetch(self._client, "POST", self._url(LOGIN), data=form)
        if resp.url.path == LOGIN:  # the portal re-renders the form on failure
            message = parse_login_error(page)
            if message is None:
                raise LayoutChanged("login page shows neither success nor an error")
            raise InvalidCredentials(f"portal said: {message}", field="password")

    async def list_documents(self, since: date) -> AsyncIterator[DocumentRef]:
        url: str | None = self._url(INVOICES)
        while url is not None:
            resp, page = await fetch(self._client, "GET", url)
            if resp.url.path == LOGIN:
                raise PortalError("session lost while listing documents")
            refs, next_href = parse_invoice_page(page)
            older_seen = False
            for ref in refs:
                if ref.metadata.issued_on >= since:
                    yield ref.model_copy(
                        update={"download_url": self._url(ref.download_url)}
                    )
                else:
                    older_seen = True
            # The list is newest first: once a page reaches before `since`, stop paging.
            url = None if older_seen or next_href is None else self._url(next_href)

    async def download(self, ref: DocumentRef) -> bytes:
        resp, body = await fetch(self._client, "GET", ref.download_url)
        if resp.status != 200:
            raise PortalError(
                f"download of {ref.supplier_document_id} gave {resp.status}"
            )
        return body


def parse_csrf_token(page: bytes) -> str:
    node = HTMLParser(page).css_first("form#login input[name=csrf_token]")
    if node is None or not node.attributes.get("value"):
        raise LayoutChanged("login form or CSRF token not found")
    return node.attributes["value"] or ""


def parse_login_error(page: bytes) -> str | None:
    node = HTMLParser(page).css_first("#login-error")
    return node.text(strip=True) if node is not None else None


def parse_invoice_page(page: bytes) -> tuple[list[DocumentRef], str | None]:
    tree = HTMLParser(page)
    if tree.css_first("table.invoices") is None:
        raise LayoutChanged("invoice table not found")
    refs = [_parse_row(row) for row in tree.css("table.invoices tr.invoice")]
    nxt = tree.css_first("nav.pagination a.next")
    return refs, nxt.attributes.get("href") if nxt is not None else None


def _parse_row(row) -> DocumentRef:
    def cell(cls: str):
        node = row.css_first(f"td.{cls}")
        if node is None:
            raise LayoutChanged(f"invoice row without a {cls} cell")
        return node

    link = row.css_first("a.download")
    if link is None or not link.attributes.get("href"):
        raise LayoutChanged("invoice row without a download link")
    total = cell("total")
    try:
        amount = Decimal(total.text(strip=True))
        issued = date.fromisoformat(cell("date").text(strip=True))
        kind = DocumentKind(cell("kind").text(strip=True))
    except (InvalidOperation, ValueError) as exc:
        raise LayoutChanged(f"unreadable invoice row: {exc}") from exc
    number = cell("number").text(strip=True)
    return DocumentRef(
        supplier_document_id=row.attributes.get("data-invoice-id") or number,
        metadata=DocumentMetadata(
            number=number,
            kind=kind,
            issued_on=issued,
            total=amount,
            currency=total.attributes.get("data-currency"),
        ),
        download_url=link.attributes["href"] or "",
        filename=f"{number}.pdf",
    )
