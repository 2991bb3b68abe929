"""Two workers share the partitions and so the runs: every document arrives once,
and each connection's first fetch is run by one worker, once."""

import re
from datetime import date

from pymongo import AsyncMongoClient

from infra.local.own_worker import OwnWorker
from infra.local.process import free_port
from infra.local.worker import start_worker
from tests.bus import consumed_to_end
from tests.e2e.fleet import connect_own
from tests.e2e.test_pipeline import wait_for

ACCOUNTS = [
    ("northwind-energy/default", "acme-ltd", "cost"),
    ("northwind-energy/default", "bistro-bob", "cost"),
    ("northwind-energy/default", "corner-cafe", "cost"),
    ("parcelpoint/default", "depot-7", "cost"),
    ("parcelpoint/default", "depot-8", "cost"),
    ("ledgerly/default", "acme-sales", "sales"),
    ("rainforest/uk", "buyer@acme.example", "cost"),
    ("cobalt-water/default", "JSmith", "cost"),
]
SINCE = date(2025, 1, 1)


async def test_two_workers_share_the_runs_and_neither_doubles_one(stack, tmp_path):
    quick = {"broker_session_timeout": "4", "scheduler_tick_seconds": "0.5"}
    first = OwnWorker(stack.settings, tmp_path / "a", quick)
    (tmp_path / "a").mkdir()
    first.start()
    second_log = tmp_path / "b-worker.log"
    second = start_worker(
        first.settings() | {"health_port": str(free_port())}, second_log
    )
    db = AsyncMongoClient(first.mongodb_uri)["billhound_test"]
    try:
        conns = await connect_own(first, stack.keys, ACCOUNTS, SINCE)

        async def all_in():
            for conn, want in conns.items():
                if await db["inbox"].count_documents({"connection_id": conn}) < want:
                    return False
            return True

        assert await wait_for(all_in, timeout=120)
        group = "billhound-" + first.prefix.rstrip(".")
        topics = [first.prefix + t for t in ("document-found", "document-accepted")]
        assert await consumed_to_end(stack.kafka, group, topics)
        for conn, want in conns.items():
            assert await db["inbox"].count_documents({"connection_id": conn}) == want
        # Each first fetch ended once, in one of the two workers.
        logs = first.log.read_text() + second_log.read_text()
        for conn in conns:
            ended = re.findall(rf"fetch \S+ for {conn}: \d+ new documents", logs)
            assert len(ended) == 1, (conn, ended)
    finally:
        second.stop()
        first.stop()
