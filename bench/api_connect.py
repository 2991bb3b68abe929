"""What a bookkeeper waits for through the API, on the embedded local stack: the
connect-time check (POST /v1/connections until 201), the first fetch until every
document is in the inbox, and the "connected" email; then API read latency.

Run: python -m bench.api_connect [--requests 200]   (part of make bench)
"""

import argparse
import asyncio
import email
import email.policy
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from infra.demo import DEMO_TENANT
from infra.demo_portal.data import invoices_for, load_specs
from infra.local.stack import LocalStack
from infra.settings import Settings
from infra.web import create_tenant

KEY, LOGIN = "parcelpoint/default", "depot-7"


async def measure(requests: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        stack = LocalStack(Path(home))
        info = await stack.start(scheduler_tick=5.0, api_port=0)
        try:
            await _run(info, Path(home), requests)
        finally:
            await stack.stop()


def mails(maildir: Path) -> list:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(maildir.glob("*.eml"))
    ]


async def _run(info: dict, home: Path, requests: int) -> None:
    settings = Settings(mongodb_uri=info["mongodb_uri"])
    _, key = await create_tenant(settings, "Bench Books", DEMO_TENANT)
    spec = next(s for s in load_specs() if s.key == KEY)
    account = spec.account(LOGIN)
    want = len(invoices_for(spec, account))
    body = {
        "supplier_id": spec.supplier_id,
        "connector_kind": "cost",
        "document_owner": account.customer,
        "notify_email": "bench@example.com",
        "collect_from": "2000-01-01",
        "login": LOGIN,
        "password": account.password,
    }
    url, headers = info["page"] + "v1", {"Authorization": f"Bearer {key}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        start = time.perf_counter()
        async with http.post(url + "/connections", json=body) as resp:
            conn = await resp.json()
            assert resp.status == 201, conn
        checked = time.perf_counter() - start
        path = f"{url}/connections/{conn['connection_id']}"
        while True:
            async with http.get(path) as resp:
                if (await resp.json())["documents_collected"] >= want:
                    break
            await asyncio.sleep(0.05)
        inboxed = time.perf_counter() - start
        while True:
            if any("is connected" in m["Subject"] for m in mails(home / "mail")):
                break
            await asyncio.sleep(0.05)
        mailed = time.perf_counter() - start

        timings = []
        for _ in range(requests):
            t = time.perf_counter()
            async with http.get(url + "/connections") as resp:
                await resp.read()
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    print(f"POST /v1/connections (portal check included) -> 201: {checked:.2f}s")
    print(f"... all {want} documents in the inbox: {inboxed:.2f}s")
    print(f"... 'connected' email delivered: {mailed:.2f}s")
    print(
        f"GET /v1/connections x{requests}: median {statistics.median(timings):.1f} ms,"
        f" p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    asyncio.run(measure(parser.parse_args().requests))


if __name__ == "__main__":
    main()
