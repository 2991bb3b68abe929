"""HTTP helpers shared by portal adapters: client sessions, status codes to taxonomy."""

import aiohttp

from adapters.portals.protocol import PortalUnavailable, RateLimited


def new_client(timeout_seconds: float) -> aiohttp.ClientSession:
    # unsafe=True: keep cookies from IP-address hosts (portals on 127.0.0.1 in tests).
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        headers={"User-Agent": "Billhound/0.1 (+https://billhound.dev/bot)"},
    )


def raise_for_portal_status(resp: aiohttp.ClientResponse) -> None:
    """Map the portal's refusals to the taxonomy; 4xx other than 429 is the caller's."""
    if resp.status == 429:
        raise RateLimited(
            f"portal answered 429 at {resp.url.path}",
            retry_after=_retry_after(resp.headers.get("Retry-After")),
        )
    if resp.status >= 500:
        raise PortalUnavailable(
            f"portal answered {resp.status} at {resp.url.path}",
            retry_after=_retry_after(resp.headers.get("Retry-After")),
        )


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


async def fetch(
    client: aiohttp.ClientSession, method: str, url: str, **kwargs
) -> tuple[aiohttp.ClientResponse, bytes]:
    """One request; network failures become PortalUnavailable."""
    try:
        async with client.request(method, url, **kwargs) as resp:
            body = await resp.read()
            raise_for_portal_status(resp)
            return resp, body
    except (TimeoutError, aiohttp.ClientConnectionError) as exc:
        raise PortalUnavailable(f"cannot reach portal: {type(exc).__name__}") from exc
