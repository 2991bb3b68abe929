"""The whole pipeline on real services: connection in, documents out, exactly once."""

import asyncio
import time
from datetime import UTC, date, datetime, timedelta

from infra.demo_portal.data import invoices_for, load_specs
from tests.bus import caught_up, produce, read_to_end, read_topic
from tests.e2e.upstream import connection_created, unique

SPEC = load_specs()[0]


def account(username: str):
    return next(a for a in SPEC.accounts if a.username == username)


def expected_numbers(username: str, collect_from: date) -> list[str]:
    invoices = invoices_for(SPEC, account(username))
    return sorted(inv.number for inv in invoices if inv.issued_on >= collect_from)


def of_tenant(tenant: str):
    return lambda event: event.get("tenant_id") == tenant


async def wait_for(predicate, timeout: float = 60.0, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = await predicate()
        if result:
            return result
        await asyncio.sleep(every)
    return await predicate()


async def run_ended(db, conn: str) -> None:
    async def ended():
        doc = await db["connections"].find_one({"_id": conn})
        return doc is not None and doc.get("last_fetch_at") and doc["run_id"] is None

    assert await wait_for(ended), f"the run of {conn} did not end"


async def connect(stack, username: str, password: str | None = None, **kw):
    tenant, conn = unique("tenant"), unique("conn")
    secret = account(username).password if password is None else password
    raw = connection_created(
        stack.keys,
        tenant=tenant,
        connection=conn,
        login=username,
        password=secret,
        **kw,
    )
    await produce(stack.kafka, "connection-created", raw, conn.encode())
    return tenant, conn, raw


async def all_posted(stack, db, tenant: str, conn: str, count: int) -> list[dict]:
    """The tenant's inbox-posted events once count are in, the run has ended and
    every document it found has been judged and posted: any duplicate would be on
    its way before that, so what this reads is all there will be."""
    await read_topic(
        stack.kafka,
        "inbox-posted",
        of_tenant(tenant),
        until=lambda found: len(found) >= count,
    )
    await run_ended(db, conn)
    await caught_up(stack, "document-found", "document-accepted")
    return await read_to_end(stack.kafka, "inbox-posted", of_tenant(tenant))


async def test_documents_since_collect_from_reach_inbox_exactly_once(stack, db):
    collect_from = date(2025, 1, 1)
    expected = expected_numbers("acme-ltd", collect_from)
    assert 0 < len(expected) < len(invoices_for(SPEC, account("acme-ltd")))
    tenant, conn, _ = await connect(stack, "acme-ltd", collect_from="2025-01-01")
    posted = await all_posted(stack, db, tenant, conn, len(expected))
    assert sorted(e["item"]["metadata"]["number"] for e in posted) == expected
    for event in posted:
        assert event["connection_id"] == conn
        assert event["item"]["owner"] == f"owner-of-{tenant}"
        assert event["item"]["kind"] == "cost"
        assert len(event["item"]["file"]["sha256"]) == 64

    items = await db["inbox"].find({"tenant_id": tenant}).to_list(None)
    assert sorted(i["metadata"]["number"] for i in items) == expected
    assert all(
        date.fromisoformat(i["metadata"]["issued_on"]) >= collect_from for i in items
    )
    stored = await db["files.files"].count_documents(
        {"filename": {"$in": [i["file"]["sha256"] for i in items]}}
    )
    assert stored == len(expected)
    connection = await db["connections"].find_one({"_id": conn})
    assert connection["status"] == "connected"
    assert connection["bookmark"] == "2025-12-05"


async def test_repeated_event_and_second_run_add_nothing(stack, db):
    expected = expected_numbers("bistro-bob", date(2025, 1, 1))
    tenant, conn, raw = await connect(stack, "bistro-bob")

    async def inbox_full():
        return await db["inbox"].count_documents({"tenant_id": tenant}) >= len(expected)

    assert await wait_for(inbox_full)
    first = await db["connections"].find_one({"_id": conn})

    # The same connection-created again, and a second fetch run made due now.
    await produce(stack.kafka, "connection-created", raw, conn.encode())
    now = datetime.now(UTC)
    await db["connections"].update_one(
        # claimable_at is what the scheduler's query reads (derived on each save).
        {"_id": conn},
        {"$set": {"next_check_at": now, "claimable_at": now}},
    )

    async def second_run_done():
        doc = await db["connections"].find_one({"_id": conn})
        return doc["last_fetch_at"] > first["last_fetch_at"] and doc["run_id"] is None

    assert await wait_for(second_run_done)
    runs = await read_topic(
        stack.kafka,
        "fetch-due",
        lambda e: e.get("connection_id") == conn,
        until=lambda f: len(f) >= 2,
    )
    assert [r["reason"] for r in runs] == ["initial", "scheduled"]
    # The scheduled run looks back 14 days from the newest document seen.
    newest = max(i.issued_on for i in invoices_for(SPEC, account("bistro-bob")))
    assert runs[1]["since"] == (newest - timedelta(days=14)).isoformat()
    # The repeated event and both runs' documents are all handled.
    await caught_up(stack, "connection-created", "document-found", "document-accepted")
    assert await db["inbox"].count_documents({"tenant_id": tenant}) == len(expected)
    posted = await read_to_end(stack.kafka, "inbox-posted", of_tenant(tenant))
    assert len(posted) == len(expected)
