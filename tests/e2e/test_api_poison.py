"""Inputs the API used to answer with a 500: JSON nested thousands deep and integers
thousands of digits long on every route with a body, and an API key whose bytes are
not UTF-8 on every route. Each gets a clear 400 or 401."""

import asyncio
from urllib.parse import urlsplit

from adapters.web.routes import ROUTES

DEEP = b"[" * 5000 + b"]" * 5000
HUGE = b'{"login": ' + b"9" * 5000 + b"}"


def concrete(path: str) -> str:
    return path.replace("{", "x-").replace("}", "")


async def raw_request(url: str, method: str, path: str, headers: bytes, body=b""):
    """The status of one request written byte for byte (clients refuse such keys)."""
    where = urlsplit(url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    writer.write(
        f"{method} {path} HTTP/1.1\r\nHost: {where.netloc}\r\n".encode()
        + headers
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    writer.close()
    return status


async def test_deep_json_and_huge_integers_are_refused_on_every_body(web):
    for route in (r for r in ROUTES if r.body is not None):
        for body in (DEEP, HUGE):
            status, answer = await web.call(
                "alpha",
                route.method,
                concrete(route.path),
                data=body,
                headers={"Content-Type": "application/json"},
            )
            assert status == 400, (route.path, body[:20], answer)
            assert answer["error"]["code"] == "invalid_json"


async def test_a_key_that_is_not_utf8_is_refused_on_every_route(web):
    bad = b"Authorization: Bearer bh_\xff\xfe\xc3(\r\n"
    for route in ROUTES:
        status = await raw_request(web.url, route.method, concrete(route.path), bad)
        assert status == 401, route.path
