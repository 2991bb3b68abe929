"""Time from connection-created to the last inbox-posted, on the embedded local stack.

Run: make bench  (or: python -m bench.pipeline_latency --connections 5)
Prints per-connection latency and the database's own ceiling measured in the same run,
because the embedded MongoDB-protocol server is far slower than mongod.
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient, UpdateOne

from infra.demo import demo_connections
from infra.demo_portal.data import invoices_for, load_specs
from infra.local.stack import LocalStack


async def db_ceiling(uri: str, n: int = 2000) -> float:
    """Single upserts per second against the same server the pipeline uses."""
    client = AsyncMongoClient(uri)
    coll = client["bench"]["ceiling"]
    start = time.perf_counter()
    for i in range(n):
        await coll.update_one({"_id": i}, {"$set": {"v": i}}, upsert=True)
    rate = n / (time.perf_counter() - start)
    await coll.bulk_write([UpdateOne({"_id": -1}, {"$set": {"v": 0}}, upsert=True)])
    await client.drop_database("bench")
    await client.close()
    return rate


async def measure(count: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        stack = LocalStack(Path(home))
        info = await stack.start(scheduler_tick=5.0)
        try:
            await _run(info, count)
        finally:
            await stack.stop()


async def _run(info: dict, count: int) -> None:
    spec = load_specs()[0]
    base = demo_connections([spec], info["public_key"])[0]
    account = spec.accounts[0]
    per_conn = sum(
        i.issued_on >= base.event.collect_from for i in invoices_for(spec, account)
    )
    consumer = AIOKafkaConsumer(
        "inbox-posted",
        bootstrap_servers=info["kafka_bootstrap"],
        auto_offset_reset="latest",
    )
    await consumer.start()
    await asyncio.sleep(1.0)  # let the consumer settle on the end of the topic
    producer = AIOKafkaProducer(bootstrap_servers=info["kafka_bootstrap"], acks="all")
    await producer.start()
    sent: dict[str, float] = {}
    for i in range(count):
        event = base.event.model_copy(
            update={"tenant_id": f"bench-{i}", "connection_id": f"bench-conn-{i}"}
        )
        sent[event.connection_id] = time.perf_counter()
        await producer.send_and_wait(
            "connection-created", event.to_bytes(), key=event.connection_id.encode()
        )
    await producer.stop()
    seen: dict[str, int] = {}
    last: dict[str, float] = {}
    deadline = time.perf_counter() + 300
    while len(last) < count and time.perf_counter() < deadline:
        for messages in (await consumer.getmany(timeout_ms=500)).values():
            for msg in messages:
                conn = json.loads(msg.value)["connection_id"]
                seen[conn] = seen.get(conn, 0) + 1
                if seen[conn] == per_conn:
                    last[conn] = time.perf_counter() - sent[conn]
    await consumer.stop()
    times = sorted(last.values())
    print(f"connections: {count}, documents each: {per_conn}, completed: {len(times)}")
    if times:
        print(
            f"connection-created -> last inbox-posted: min {times[0]:.2f}s, "
            f"median {statistics.median(times):.2f}s, max {times[-1]:.2f}s"
        )
        total = count * per_conn
        print(f"throughput: {total / times[-1]:.1f} documents/s end to end")
    print(
        f"database ceiling (same run): {await db_ceiling(info['mongodb_uri']):.0f} "
        "single upserts/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=5)
    asyncio.run(measure(parser.parse_args().connections))


if __name__ == "__main__":
    main()
