"""Portal trouble through the real fetcher: 429 and 503 back off as the portal asks,
slow pages are waited for, and a changed layout pauses the supplier for operators."""

import asyncio
import json
import os
import subprocess
import sys
from datetime import date, datetime

from pymongo import AsyncMongoClient

from adapters.portals.http import PortalHttp, new_client
from adapters.portals.pacing import SharedPace
from adapters.store.mongo_suppliers import MongoRequestBudget
from tests.bus import caught_up
from tests.e2e.fleet import (
    connect_to,
    connection,
    events_for,
    expected,
    inbox_of,
    published_for,
    ticks_pass,
)
from tests.e2e.test_pipeline import wait_for

PARCELS = "parcelpoint/default"


async def failed_once(db, conn: str):
    async def first_failure():
        doc = await connection(db, conn)
        return doc if doc and doc.get("failed_attempts") == 1 else None

    return await wait_for(first_failure)


async def test_429_and_503_back_off_no_sooner_than_retry_after(stack, db):
    cases = [
        ("rate_limited", "depot-8", 120, "rate_limited"),
        ("maintenance", "depot-9", 90, "portal_unavailable"),
    ]
    try:
        for switch, login, retry_after, code in cases:
            await stack.portal_call(
                PARCELS,
                "POST",
                "/_demo/behaviour",
                {switch: True, "retry_after": retry_after},
            )
            started = datetime.now().astimezone()
            _, conn = await connect_to(stack, PARCELS, login)
            doc = await failed_once(db, conn)
            assert doc["last_error"] == code and doc["status"] == "pending"
            wait = (doc["next_check_at"] - started).total_seconds()
            assert retry_after - 1 <= wait <= retry_after + 10
            await caught_up(stack, "fetch-due")  # the failed run is all published
            assert await published_for(stack, "auth-failed", conn) == []
            await stack.portal_call(PARCELS, "POST", "/_demo/reset")
    finally:
        await stack.portal_call(PARCELS, "POST", "/_demo/reset")


async def test_slow_pages_are_waited_for(stack, db):
    key, login = "rainforest/business", "ap@acme.example"
    await stack.portal_call(key, "POST", "/_demo/behaviour", {"slow_seconds": 0.3})
    try:
        _, conn = await connect_to(stack, key, login)
        want = expected(key, login, date(2025, 1, 1))
        assert len(await inbox_of(db, conn, len(want))) == len(want)
    finally:
        await stack.portal_call(key, "POST", "/_demo/reset")


def cli(stack, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        BILLHOUND_MONGODB_URI=stack.mongodb_uri,
        BILLHOUND_MONGODB_DATABASE=stack.db_name,
        BILLHOUND_PORTAL_URLS=json.dumps(stack.portals.urls),
    )
    return subprocess.run(
        [sys.executable, "-m", "infra.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_layout_change_pauses_the_supplier_and_alerts_operators(stack, db):
    key, login = "ledgerly/default", "acme-sales"
    await stack.portal_call(key, "POST", "/_demo/behaviour", {"layout_changed": True})
    try:
        _, first = await connect_to(
            stack, key, login, kind="sales", notify="ops-a@example.com"
        )
        _, second = await connect_to(
            stack, key, login, kind="sales", notify="ops-b@example.com"
        )
        (alert,) = await events_for(stack, "operator-alert", second)
        assert (
            alert["alert"] == "supplier_paused" and alert["supplier_id"] == "ledgerly"
        )
        assert alert["error_code"] == "layout_changed"
        assert set(alert["connection_ids"]) == {first, second}
        assert (
            "OPERATOR ALERT: supplier ledgerly paused" in stack.worker_log.read_text()
        )
        await caught_up(stack, "fetch-due")
        for conn in (first, second):  # ours to fix: nobody is told or disrupted
            assert await published_for(stack, "auth-failed", conn) == []
            assert (await connection(db, conn))["status"] != "disrupted"
        assert not stack.mail.to("ops-a@example.com") and not stack.mail.to(
            "ops-b@example.com"
        )

        # While paused, a new connection waits instead of hitting the portal.
        attempts = await stack.login_attempts(login, key)
        _, third = await connect_to(stack, key, login, kind="sales")
        await events_for(stack, "fetch-due", third)
        await ticks_pass(stack)
        assert await stack.login_attempts(login, key) == attempts
        assert (await connection(db, third))["status"] == "pending"
    finally:
        await stack.portal_call(key, "POST", "/_demo/reset")

    # Operators fix the catalog (here: the portal reverts) and resume the supplier.
    done = cli(stack, "suppliers", "resume", "ledgerly")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"supplier_id": "ledgerly", "resumed": True}
    want = expected(key, login, date(2025, 1, 1))
    assert len(await inbox_of(db, third, len(want))) == len(want)
    assert cli(stack, "suppliers", "resume", "ledgerly").returncode == 1


async def test_a_portal_fault_is_retried_with_backoff_then_recovers(stack, db):
    """internal_error (here: documents answer 404) is the portal's or ours, never the
    user's: back off and try again; nobody is told unless operators must act."""
    key, login = "parcelpoint/default", "depot-9"
    await stack.portal_call(key, "POST", "/_demo/behaviour", {"broken_downloads": True})
    try:
        _, conn = await connect_to(stack, key, login)
        doc = await failed_once(db, conn)
        assert doc["last_error"] == "internal_error" and doc["status"] == "pending"

        async def retried():
            doc = await connection(db, conn)
            return doc if doc.get("failed_attempts", 0) >= 2 else None

        assert await wait_for(retried, timeout=30)  # base 1 s in tests: 1 s, 2 s, ...
    finally:
        await stack.portal_call(key, "POST", "/_demo/reset")
    want = expected(key, login, date(2025, 1, 1))
    assert len(await inbox_of(db, conn, len(want))) == len(want)
    assert (await connection(db, conn))["failed_attempts"] == 0
    await caught_up(stack, "fetch-due")
    assert await published_for(stack, "auth-failed", conn) == []


async def test_requests_keep_to_the_supplier_rate(stack, db):
    """ParcelPoint allows 10 requests a second: however fast we could go, the portal
    never sees more than that (plus one at a window's edge) in any second."""
    key, login = "parcelpoint/default", "depot-7"
    await stack.portal_call(key, "POST", "/_demo/reset")
    _, conn = await connect_to(stack, key, login)
    want = expected(key, login, date(2025, 1, 1))
    assert len(await inbox_of(db, conn, len(want))) == len(want)
    stats = await stack.portal_stats(key)
    assert sum(stats["requests"].values()) >= len(want) + 2
    assert stats["busiest_second"] <= 10 + 1


async def test_the_rate_holds_across_workers(stack):
    """Two workers fetching from ParcelPoint at once share its 10 requests a second
    through the database (the stack's own worker too): the portal sees no more."""
    key = "parcelpoint/default"
    await stack.portal_call(key, "POST", "/_demo/reset")
    clients = [AsyncMongoClient(stack.mongodb_uri) for _ in range(2)]
    paces = [
        SharedPace("parcelpoint", 10, MongoRequestBudget(c[stack.db_name]))
        for c in clients
    ]

    async def worker(pace: SharedPace) -> list[int]:
        async with new_client(10) as client:
            http = PortalHttp(client, stack.portal_url(key), pace)
            return [(await http.request("GET", "/"))[0].status for _ in range(12)]

    try:
        answers = await asyncio.gather(*(worker(pace) for pace in paces))
    finally:
        for client in clients:
            await client.close()
    assert [len(a) for a in answers] == [12, 12]
    stats = await stack.portal_stats(key)
    assert sum(stats["requests"].values()) >= 24
    assert stats["busiest_second"] <= 10 + 1
