"""The HTTP side every engine shares: one client per session, the supplier's request
rate, status codes to the taxonomy, cookies to keep between runs."""

from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from yarl import URL

from adapters.portals.protocol import (
    DocumentRef,
    LayoutChanged,
    PortalError,
    PortalUnavailable,
    RateLimited,
)

USER_AGENT = "Billhound/0.1 (+https://billhound.dev/bot)"
REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 10  # aiohttp's own limit


def new_client(timeout_seconds: float) -> aiohttp.ClientSession:
    # unsafe=True: keep cookies from IP-address hosts (portals on 127.0.0.1 in tests).
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        headers={"User-Agent": USER_AGENT},
    )


class PortalHttp:
    """Requests to one portal, paced by the supplier's shared limiter."""

    def __init__(
        self,
        client: aiohttp.ClientSession,
        base_url: str,
        limiter: AbstractAsyncContextManager,
    ) -> None:
        self.client = client
        self.base = base_url.rstrip("/") + "/"
        self.limiter = limiter

    def url(self, path: str) -> str:
        """An absolute URL on this portal; links elsewhere are refused (the catalog,
        never a page, decides which hosts a fetcher talks to)."""
        absolute = urljoin(self.base, path)
        if urlsplit(absolute).netloc != urlsplit(self.base).netloc:
            # A new host is a change to review (and add to the catalog), not to follow.
            raise LayoutChanged(f"portal linked to another host: {absolute}")
        return absolute

    async def request(
        self, method: str, path: str, **kwargs: Any
    ) -> tuple[aiohttp.ClientResponse, bytes]:
        """One request, its redirects followed here so that each hop is paced as
        the portal counts it; 429/5xx and network failures become taxonomy errors."""
        url = self.url(path)
        for _ in range(MAX_REDIRECTS + 1):
            resp, body = await self._send(method, url, **kwargs)
            location = resp.headers.get("Location")
            if resp.status not in REDIRECTS or location is None:
                raise_for_portal_status(resp)
                return resp, body
            url = urljoin(str(resp.url), location)
            if resp.status == 303 or (resp.status in (301, 302) and method == "POST"):
                # As browsers (and aiohttp) do: the form is not sent again.
                method = "GET" if method != "HEAD" else method
                kwargs = {k: v for k, v in kwargs.items() if k not in ("data", "json")}
        raise PortalError(f"portal redirected more than {MAX_REDIRECTS} times")

    async def _send(
        self, method: str, url: str, **kwargs: Any
    ) -> tuple[aiohttp.ClientResponse, bytes]:
        async with self.limiter:
            try:
                async with self.client.request(
                    method, url, allow_redirects=False, **kwargs
                ) as resp:
                    return resp, await resp.read()
            except (TimeoutError, aiohttp.ClientConnectionError) as exc:
                raise PortalUnavailable(
                    f"cannot reach portal: {type(exc).__name__}"
                ) from exc

    async def document(self, ref: DocumentRef, **kwargs: Any) -> bytes:
        """A listed document's bytes; anything but 200 is the portal's fault."""
        resp, body = await self.request("GET", ref.download_url, **kwargs)
        if resp.status != 200:
            raise PortalError(f"download of {ref.supplier_document_id}: {resp.status}")
        return body

    def export_cookies(self) -> list[dict[str, str]]:
        return [
            {"name": m.key, "value": m.value, "path": m["path"] or "/"}
            for m in self.client.cookie_jar
        ]

    def restore_cookies(self, cookies: list[dict[str, str]]) -> None:
        for c in cookies:
            self.client.cookie_jar.update_cookies(
                {c["name"]: c["value"]}, response_url=URL(self.base)
            )


def raise_for_portal_status(resp: aiohttp.ClientResponse) -> None:
    """Map the portal's refusals to the taxonomy; 4xx other than 429 is the caller's."""
    if resp.status == 429:
        raise RateLimited(
            f"portal answered 429 at {resp.url.path}",
            retry_after=retry_after_seconds(resp.headers.get("Retry-After")),
        )
    if resp.status >= 500:
        raise PortalUnavailable(
            f"portal answered {resp.status} at {resp.url.path}",
            retry_after=retry_after_seconds(resp.headers.get("Retry-After")),
        )


def retry_after_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
