"""Fetch runs are acknowledged once queued, so a worker killed with runs in flight
must lose nothing: the runs' leases run out, the scheduler claims the connections
again, and every document reaches the inbox exactly once."""

import asyncio
import signal
from datetime import date

import aiohttp
from pymongo import AsyncMongoClient

from infra.local.own_worker import OwnWorker
from tests.bus import consumed_to_end
from tests.e2e.fleet import connect_own
from tests.e2e.test_pipeline import wait_for

ACCOUNTS = [  # five suppliers, so their session limits do not serialise the runs
    ("northwind-energy/default", "acme-ltd", "cost"),
    ("cobalt-water/default", "JSmith", "cost"),
    ("rainforest/uk", "buyer@acme.example", "cost"),
    ("ledgerly/default", "acme-sales", "sales"),
    ("parcelpoint/default", "depot-7", "cost"),
]
SINCE = date(2025, 1, 1)


async def runs_of(own: OwnWorker) -> dict:
    url = f"http://127.0.0.1:{own.health_port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return (await resp.json())["stages"]["fetcher"]["runs"]


async def test_a_worker_killed_mid_runs_loses_and_doubles_nothing(stack, tmp_path):
    # Short leases and ticks, so the killed runs are claimed again within seconds.
    quick = {
        "fetch_lease_seconds": "4",
        "scheduler_tick_seconds": "0.5",
        "broker_session_timeout": "4",
    }
    own = OwnWorker(stack.settings, tmp_path, quick).start()
    db = AsyncMongoClient(own.mongodb_uri)["billhound_test"]
    for key, _, _ in ACCOUNTS:
        await stack.portal_call(key, "POST", "/_demo/reset")
        await stack.portal_call(key, "POST", "/_demo/behaviour", {"slow_seconds": 0.3})
    try:
        conns = await connect_own(own, stack.keys, ACCOUNTS, SINCE)

        async def mid_runs():  # several runs going, some documents already in
            runs = await runs_of(own)
            some = await db["inbox"].count_documents({})
            return runs["running"] >= 3 and 0 < some < sum(conns.values())

        assert await wait_for(mid_runs, timeout=60, every=0.1)
        own.worker.proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(own.worker.proc.wait, 10)
        before = await db["inbox"].count_documents({})
        own.start()

        async def all_in():
            for conn, want in conns.items():
                if await db["inbox"].count_documents({"connection_id": conn}) < want:
                    return False
            return True

        assert await wait_for(all_in, timeout=120), "documents lost with the worker"
        assert before < sum(conns.values())  # the kill did cut runs short
        # Every document found, before and after the kill, has been judged.
        group, topics = "billhound-" + own.prefix.rstrip("."), ["document-found"]
        prefixed = [own.prefix + t for t in (*topics, "document-accepted")]
        assert await consumed_to_end(stack.kafka, group, prefixed)
        for conn, want in conns.items():
            count = await db["inbox"].count_documents({"connection_id": conn})
            assert count == want, f"{conn}: {count} in the inbox, {want} expected"
    finally:
        for key, _, _ in ACCOUNTS:
            await stack.portal_call(key, "POST", "/_demo/reset")
        own.stop()
