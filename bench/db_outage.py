"""The database stopped in the middle of a 120-document backfill, for 10, 60 and 120 s,
with the production defaults (10 s operation timeout, 3 tries per event).

Run: python -m bench.db_outage [--outages 10 60 120]   (about 8 minutes)
Prints, per outage: documents lost, doubled, dead letters, and how long after the
database came back the last document reached the inbox."""

import argparse
import asyncio
import tempfile
import time
from datetime import date
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from bench.harness import BenchServices, bench_services, inbox_numbers
from infra.demo import connection_event
from infra.demo_portal.data import invoices_for, load_specs
from infra.local.own_worker import OwnWorker

PORTAL = "brightline-telecom/business"
LOGIN = "it@acme.example"
SINCE = date(2025, 1, 1)  # 120 of the account's 240 documents
GIVE_UP_SECONDS = 600  # after the database is back; before the fix it took 30 min


async def dead_letters(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=3000)
        return sum(len(b) for b in batches.values())
    finally:
        await consumer.stop()


async def trial(services: BenchServices, home: Path, outage: float) -> dict:
    spec = next(s for s in load_specs() if s.key == PORTAL)
    account = spec.account(LOGIN)
    want = sorted(i.number for i in invoices_for(spec, account) if i.issued_on >= SINCE)
    own = OwnWorker(services.settings, home).start()
    conn = f"outage-{int(outage)}"
    event = connection_event(
        spec,
        account,
        services.keys.public_key_b64(),
        tenant_id=f"bench-{int(outage)}",
        connection_id=conn,
        collect_from=SINCE,
    )
    try:
        await own.publish("connection-created", event.to_bytes(), conn)
        # Polling: the database sends no event to wait on.
        while len(await inbox_numbers(own.mongodb_uri, conn) or []) < 20:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        own.stop_db()
        await asyncio.sleep(outage)  # the outage itself
        own.start_db()
        back, last, seen = time.monotonic(), None, None
        while time.monotonic() - back < GIVE_UP_SECONDS:
            got = await inbox_numbers(own.mongodb_uri, conn)
            if got is not None and len(got) != seen:
                seen, last = len(got), time.monotonic()
            if got is not None and len(set(got)) >= len(want):
                break
            await asyncio.sleep(0.5)
        got = await inbox_numbers(own.mongodb_uri, conn) or []
        letters = await dead_letters(services.kafka, own.prefix + "dead-letter")
    finally:
        own.stop()
    return {
        "outage_s": outage,
        "documents": len(want),
        "lost": len(set(want) - set(got)),
        "doubled": len(got) - len(set(got)),
        "dead_letters": letters,
        "last_after_back_s": round(last - back, 1) if last else None,
    }


async def main(outages: list[float]) -> None:
    with tempfile.TemporaryDirectory() as tmp, bench_services(Path(tmp)) as services:
        # Slow pages, as a real portal's: the run is mid-way when the database goes.
        slow = {"slow_seconds": 0.1}
        await services.portal_call(PORTAL, "/_demo/behaviour", slow)
        rows = [await trial(services, Path(tmp) / f"outage-{o}", o) for o in outages]
    print("outage_s documents lost doubled dead_letters last_after_back_s")
    for r in rows:
        print(" ".join(f"{v!s:>8}" for v in r.values()), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--outages", type=float, nargs="+", default=[10, 60, 120])
    asyncio.run(main(parser.parse_args().outages))
