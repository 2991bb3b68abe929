"""Fetch at scale on the embedded stack: one worker against a demo portal whose every
request takes LATENCY seconds, with thousands of small accounts.

Run: python -m bench.scale [--connections 600] [--latency 0.5] [--stored 100000]
[--documents 1000] (about 6 minutes). Prints, from one run: connections per second
for one worker; the peak runs and portal requests in flight; the ideal for that
concurrency and latency, and the ratio to it; documents per second through dedupe
and inbox against the database's own ceiling for the same writes; the first
document of a new connection while scheduled runs fill the worker; the scheduler's
tick with --stored connections of which 1% are due; the worker's RSS over the run."""

import argparse
import asyncio
import json
import shutil
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import aiohttp
from pymongo import AsyncMongoClient

from adapters.portals.catalog import CATALOG_FILE
from adapters.vault.sealing import KeyRing
from bench.harness import cpu_seconds, drained, health, rss_mib, wait_until
from bench.scale_documents import documents_per_second
from bench.scheduler_tick import scheduler_tick
from infra.demo import connection_event
from infra.demo_portal.data import Account, load_specs
from infra.demo_portal.server import PortalThread
from infra.local.mail import MailCatcher
from infra.local.own_worker import OwnWorker
from infra.local.services import start_broker

SUPPLIER = "scale-energy"
CONCURRENCY = 200
COLLECT_FROM = date(2025, 10, 1)  # two documents per account


def scale_portal(accounts: int):
    """Northwind's portal, with `accounts` small accounts."""
    base = next(s for s in load_specs() if s.key == "northwind-energy/default")
    return base.model_copy(
        update={
            "supplier_id": SUPPLIER,
            "name": "Scale Energy",
            "accounts": [
                Account(
                    username=f"acct-{i:05d}",
                    password="Scale-Pass-1",
                    customer=f"Customer {i}",
                    first_month="2025-10",
                    months=2,
                    currency="GBP",
                )
                for i in range(accounts)
            ],
        }
    )


def scale_catalog(path: Path) -> None:
    """Northwind's entry as another supplier whose politeness limits are high enough
    that the worker, not the supplier, is what is measured."""
    suppliers = json.loads(CATALOG_FILE.read_text())["suppliers"]
    entry = next(s for s in suppliers if s["id"] == "northwind-energy")
    entry = entry | {
        "id": SUPPLIER,
        "name": "Scale Energy",
        "aliases": [],
        "limits": {"max_sessions": 10_000, "requests_per_second": 10_000},
    }
    path.write_text(json.dumps({"suppliers": [entry]}))


async def portal(url: str, method: str, path: str, body=None) -> dict:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, url + path, json=body) as resp,
    ):
        return await resp.json()


async def throughput(own: OwnWorker, spec, url, keys, n: int, latency: float) -> dict:
    """n first fetches at once: connections per second, and what was in flight."""
    db = AsyncMongoClient(own.mongodb_uri)["billhound"]
    await portal(url, "POST", "/_demo/behaviour", {"slow_seconds": latency})
    events = [
        connection_event(
            spec,
            account,
            keys.public_key_b64(),
            tenant_id="scale",
            connection_id=f"conn-{i:05d}",
            collect_from=COLLECT_FROM,
        )
        for i, account in enumerate(spec.accounts[:n])
    ]
    worker, database = own.worker.proc.pid, own.mongo.proc.pid
    cpu = (cpu_seconds(worker), cpu_seconds(database))
    rss, started = [], time.monotonic()
    await own.publish_many(
        "connection-created", [(e.to_bytes(), e.connection_id) for e in events]
    )

    async def all_fetched():
        rss.append(rss_mib(own.worker.proc.pid))
        done = await db["connections"].count_documents({"last_fetch_at": {"$ne": None}})
        return done >= n

    assert await wait_until(all_fetched, timeout=900), "the first fetches did not end"
    elapsed = time.monotonic() - started
    busy = (
        (cpu_seconds(worker) - cpu[0]) / elapsed,
        (cpu_seconds(database) - cpu[1]) / elapsed,
    )
    # What follows starts on a quiet worker, its backlog handled.
    drained_after = await drained(own) - started
    stats = await portal(url, "GET", "/_demo/stats")
    runs = (await health(own.health_port))["stages"]["fetcher"]["runs"]
    requests = sum(stats["requests"].values())
    per_run = requests / n
    ideal = min(CONCURRENCY, n) / (per_run * latency)
    return {
        "connections": n,
        "seconds": elapsed,
        "per_second": n / elapsed,
        "requests_per_run": per_run,
        "ideal_per_second": ideal,
        "ratio": n / elapsed / ideal,
        "peak_runs": runs["peak"],
        "peak_requests_in_flight": stats["peak_in_flight"],
        "rss_mib": (min(rss), max(rss)),
        "worker_busy": busy[0],
        "database_busy": busy[1],
        "drained_after": drained_after,
    }


async def first_document_under_load(own: OwnWorker, spec, keys, n: int) -> dict:
    """All n connections due again (scheduled re-checks fill the worker), then a new
    connection: how long until its first document is in the inbox."""
    db = AsyncMongoClient(own.mongodb_uri)["billhound"]
    now = datetime.now(UTC)
    await db["connections"].update_many(
        {}, {"$set": {"next_check_at": now, "claimable_at": now}}
    )

    async def loaded():
        runs = (await health(own.health_port))["stages"]["fetcher"]["runs"]
        return runs if runs["running"] >= min(CONCURRENCY, n) else None

    runs = await wait_until(loaded, timeout=60, every=0.2)
    event = connection_event(
        spec,
        spec.accounts[-1],
        keys.public_key_b64(),
        tenant_id="scale-new",
        connection_id="conn-new",
        collect_from=COLLECT_FROM,
    )
    started = time.monotonic()
    await own.publish("connection-created", event.to_bytes(), event.connection_id)

    async def fetched():
        doc = await db["connections"].find_one({"_id": "conn-new"})
        return doc is not None and doc.get("last_fetch_at") is not None

    async def arrived():
        return await db["inbox"].count_documents({"connection_id": "conn-new"})

    await wait_until(fetched, timeout=120, every=0.05)
    run_ended = time.monotonic() - started
    await wait_until(arrived, timeout=300, every=0.05)
    return {
        "run_ended": run_ended,
        "seconds": time.monotonic() - started,
        "running_then": (runs or {}).get("running"),
        "waiting_then": (runs or {}).get("waiting"),
    }


async def main(connections: int, latency: float, stored: int, documents: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="billhound-scale-"))
    broker, bootstrap = start_broker(home / "broker.log")
    mail = MailCatcher().start()
    KeyRing.create(home / "keys")
    keys = KeyRing.load(home / "keys")
    spec = scale_portal(connections + 1)
    portals = PortalThread([spec]).start()
    catalog = home / "catalog.json"
    scale_catalog(catalog)
    url = portals.urls[spec.key]
    own = OwnWorker(
        {
            "kafka_bootstrap": bootstrap,
            "mongodb_database": "billhound",
            "smtp_host": "127.0.0.1",
            "smtp_port": str(mail.port),
            "vault_keys_dir": str(home / "keys"),
            "portal_urls": json.dumps({spec.key: url}),
            "catalog_files": json.dumps([str(catalog)]),
            "scheduler_tick_seconds": "1",
            "fetch_concurrency": str(CONCURRENCY),
            "scheduler_max_running": str(10 * CONCURRENCY),
        },
        home,
    )
    try:
        own.start()
        load = await throughput(own, spec, url, keys, connections, latency)
        conns = [f"conn-{i:05d}" for i in range(connections)]
        docs = await documents_per_second(own, spec, "scale", conns, documents)
        first = await first_document_under_load(own, spec, keys, connections)
    finally:
        own.stop()
        portals.stop()
        mail.stop()
        broker.stop()
    tick = await scheduler_tick(home, stored)
    shutil.rmtree(home, ignore_errors=True)  # its databases: kept only on a failure
    print(f"fetch at scale: {connections} connections, {latency:.1f} s a request")
    print(
        f"  one worker: {load['per_second']:.1f} connections/s "
        f"({load['seconds']:.0f} s for {connections}); "
        f"ideal at concurrency {CONCURRENCY}: {load['ideal_per_second']:.1f}/s "
        f"({load['requests_per_run']:.1f} requests a run); "
        f"ratio {load['ratio']:.0%}"
    )
    print(
        f"  their documents through dedupe and inbox: {load['drained_after']:.0f} s"
        " (the parts below start once they are)"
    )
    print(
        f"  in flight: {load['peak_runs']} runs, "
        f"{load['peak_requests_in_flight']} portal requests at the peak"
    )
    print(
        f"  CPU while fetching: worker {load['worker_busy']:.0%} of a core, "
        f"database {load['database_busy']:.0%} of a core"
    )
    print(
        f"  documents, document-found to inbox: {docs['per_second']:.0f}/s for "
        f"{docs['documents']}; the database alone, the same writes in batches: "
        f"{docs['ceiling_per_second']:.0f}/s; ratio {docs['ratio']:.0%} (CPU: "
        f"worker {docs['worker_busy']:.0%}, database {docs['database_busy']:.0%})"
    )
    print(
        f"  a new connection under load ({first['running_then']} scheduled runs "
        f"running, {first['waiting_then']} waiting): its run ended after "
        f"{first['run_ended']:.2f} s, its first document was in the inbox after "
        f"{first['seconds']:.2f} s"
    )
    print(
        f"  scheduler tick, {tick['stored']:,} stored, {tick['due']:,} due: "
        f"{tick['tick_seconds'] * 1000:.0f} ms for {tick['claimed']} claims "
        f"({tick['claims_per_second']:.0f} claims/s); "
        f"a tick with none due: {tick['idle_tick_seconds'] * 1000:.0f} ms; "
        f"the due query alone: {tick['query_seconds'] * 1000:.0f} ms "
        f"(the rest is one write per claim)"
    )
    print(
        f"  worker RSS: {load['rss_mib'][0]:.0f} to {load['rss_mib'][1]:.0f} MiB "
        "over the first fetches"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=600)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.connections, args.latency, args.stored, args.documents))
