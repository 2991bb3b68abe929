"""The scheduler's tick against many stored connections, 1% of them due, on a
database of its own: how long a tick takes and how many claims a second it makes.

Run: python -m bench.scheduler_tick [--stored 100000]   (also part of bench.scale)"""

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pymongo import AsyncMongoClient

from adapters.store.memory import InMemorySupplierStore
from adapters.store.mongo_connections import MongoConnectionStore, to_doc
from adapters.store.mongo_setup import ensure_indexes
from agents.schedule_policy import SchedulePolicy, new_connection
from agents.scheduler import SchedulerHandler
from infra.local.services import start_mongo
from schemas.events import ConnectionCreated
from schemas.records import ConnectorKind, SealedSecret

DUE_EVERY = 100  # 1% due


async def scheduler_tick(home: Path, stored: int) -> dict:
    """The scheduler's tick against `stored` connections of which 1% are due, on a
    database of its own that nothing else is using."""
    mongo, uri = start_mongo(home / "tick-db", home / "tick-db.log")
    try:
        return await _tick(uri, stored)
    finally:
        mongo.stop()


async def _tick(uri: str, stored: int) -> dict:
    db = AsyncMongoClient(uri, tz_aware=True)["scale_tick"]
    await ensure_indexes(db)
    now = datetime.now(UTC)
    event = ConnectionCreated(
        tenant_id="tick",
        connection_id="template",
        supplier_id="northwind-energy",
        connector_kind=ConnectorKind.COST,
        document_owner="Tick Ltd",
        notify_email="books@example.com",
        collect_from=now.date(),
        credentials=SealedSecret(key_id="k", ciphertext="c2VhbGVk"),
    )
    template = new_connection(event, now, SchedulePolicy()).model_copy(
        update={"run_id": None, "run_lease_until": None}
    )
    due_every = DUE_EVERY
    for start in range(0, stored, 5000):
        docs = []
        for i in range(start, min(stored, start + 5000)):
            later = (
                timedelta(days=1 + i % 7) if i % due_every else -timedelta(minutes=1)
            )
            conn = template.model_copy(
                update={
                    "connection_id": f"tick-{i:06d}",
                    "next_check_at": now + later,
                    "last_fetch_at": now - timedelta(days=7),
                }
            )
            docs.append(to_doc(conn))
        await db["connections"].insert_many(docs)
    policy = SchedulePolicy(max_running=stored)  # measure the claims, not the cap
    store = MongoConnectionStore(db)
    scheduler = SchedulerHandler(
        store, policy, InMemorySupplierStore(), lambda _: 10**6
    )
    started = time.monotonic()
    due = await store.due(now, stored)  # the query alone, as the tick makes it
    query = time.monotonic() - started
    started = time.monotonic()
    claimed = [o async for o in scheduler.on_tick()]
    busy = time.monotonic() - started
    started = time.monotonic()
    again = [o async for o in scheduler.on_tick()]  # nothing due any more
    idle = time.monotonic() - started
    return {
        "stored": stored,
        "due": stored // due_every,
        "claimed": len(claimed),
        "tick_seconds": busy,
        "claims_per_second": len(claimed) / busy if busy else 0.0,
        "idle_tick_seconds": idle,
        "query_seconds": query,
        "found_due": len(due),
        "claimed_again": len(again),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stored", type=int, default=100_000)
    home = Path(tempfile.mkdtemp(prefix="billhound-tick-"))
    tick = asyncio.run(scheduler_tick(home, parser.parse_args().stored))
    shutil.rmtree(home, ignore_errors=True)
    print(
        f"scheduler tick, {tick['stored']:,} stored, {tick['due']:,} due: "
        f"{tick['tick_seconds'] * 1000:.0f} ms for {tick['claimed']} claims; "
        f"a tick with none due: {tick['idle_tick_seconds'] * 1000:.0f} ms; "
        f"the due query alone: {tick['query_seconds'] * 1000:.0f} ms "
        f"for {tick['found_due']}"
    )
