"""Poison on every input topic: each kind is sent as raw bytes by a plain producer,
must come back on dead-letter with its reason, and a well-formed event sent after it on
the same partition must still be handled.

Run: python -m bench.poison_matrix   (its own broker, database and worker; ~1 minute)
tests/e2e/test_poison_matrix.py runs the same set against the test stack."""

import argparse
import asyncio
import base64
import json
import tempfile
import uuid
from collections import Counter
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient

from schemas.samples import sample
from schemas.topics import MODEL_BY_TOPIC

# Every topic a stage consumes.
INPUT_TOPICS = (
    "connection-created",
    "fetch-requested",
    "fetch-due",
    "challenge-answered",
    "document-found",
    "document-accepted",
    "auth-failed",
    "challenge-required",
    "connection-status-changed",
)
# kind -> the words its dead letter's reason must contain
REASONS = {
    "not JSON": "not JSON",
    "wrong shape": "not a JSON object",
    "wrong types": "tenant_id",
    "future version": "newer than supported",
    "deep nesting": "nested deeper",
    "huge integer": "digits",
    "invalid UTF-8": "not UTF-8",
    "900 KB": "too large",
}


def good(topic: str, tenant: str, conn: str) -> dict:
    """A well-formed event of the topic about connection `conn` of `tenant`."""
    fields = json.loads(sample(MODEL_BY_TOPIC[topic]).to_bytes())
    fields |= {
        "event_id": uuid.uuid4().hex,
        "tenant_id": tenant,
        "connection_id": conn,
    }
    if topic == "connection-status-changed":  # one the notifier acts on
        fields |= {"old_status": "pending", "new_status": "connected"}
    return fields


def poisons(topic: str, tenant: str, conn: str) -> dict[str, bytes]:
    event = good(topic, tenant, conn)
    head = json.dumps(event)[:-1]
    return {
        "not JSON": b"{this is not json",
        "wrong shape": json.dumps([event]).encode(),
        "wrong types": json.dumps(event | {"tenant_id": 12345}).encode(),
        "future version": json.dumps(event | {"version": 99}).encode(),
        "deep nesting": b"[" * 50_000 + b"]" * 50_000,
        "huge integer": f'{head}, "padding": {"9" * 5000}}}'.encode(),
        "invalid UTF-8": head.encode() + b', "padding": "\xff\xfe"}',
        "900 KB": f'{head}, "padding": "{"x" * 900_000}"}}'.encode(),
    }


async def send_all(bootstrap: str, prefix: str, tenant: str, run: str) -> dict:
    """Send every poison, then one good event, on each input topic; the key of
    each topic's events is its own, so they share one partition, poison first."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", max_request_size=2_000_000
    )
    await producer.start()
    keys = {}
    try:
        for topic in INPUT_TOPICS:
            key = keys[topic] = f"{run}-{topic}"
            for value in poisons(topic, tenant, key).values():
                await producer.send_and_wait(prefix + topic, value, key=key.encode())
            raw = json.dumps(good(topic, tenant, key)).encode()
            await producer.send_and_wait(prefix + topic, raw, key=key.encode())
    finally:
        await producer.stop()
    return keys


async def letters_by_key(bootstrap: str, topic: str, keys: set[str], want: int):
    """Dead letters whose original key is one of keys, until `want` arrived (60 s)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: dict[str, list[dict]] = {k: [] for k in keys}
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while loop.time() < deadline and sum(map(len, found.values())) < want:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                for msg in batch:
                    letter = json.loads(msg.value)
                    key = letter.get("original_key_b64")
                    key = base64.b64decode(key).decode() if key else None
                    if key in found:
                        found[key].append(letter)
    finally:
        await consumer.stop()
    return found


def matrix(
    keys: dict[str, str], letters: dict[str, list[dict]], created: bool
) -> list[dict]:
    """Per topic: poisons sent, dead-lettered with their reason, good handled after.
    On connection-created the good event creates its connection (`created`); on the
    others it names a connection that does not exist, and handled means the stage
    dead-lettered it as such."""
    rows = []
    for topic, key in keys.items():
        errors = [x["error"] for x in letters[key]]
        reasons = Counter(
            kind for kind, words in REASONS.items() if any(words in e for e in errors)
        )
        rows.append(
            {
                "topic": topic,
                "sent": len(REASONS),
                "with_reason": sum(reasons.values()),
                "missing": sorted(set(REASONS) - set(reasons)),
                "good_handled": created
                if topic == "connection-created"
                else any("unknown connection" in e for e in errors),
            }
        )
    return rows


async def run(bootstrap: str, prefix: str, mongodb_uri: str, database: str):
    run_id = uuid.uuid4().hex[:8]
    keys = await send_all(bootstrap, prefix, f"tenant-{run_id}", f"p-{run_id}")
    # connection-created's good event creates a connection: no letter for it.
    want = len(INPUT_TOPICS) * (len(REASONS) + 1) - 1
    letters = await letters_by_key(
        bootstrap, prefix + "dead-letter", set(keys.values()), want
    )
    client = AsyncMongoClient(mongodb_uri)
    try:
        conn = await client[database]["connections"].find_one(
            {"_id": keys["connection-created"]}
        )
    finally:
        await client.close()
    return matrix(keys, letters, created=conn is not None)


async def main() -> None:
    from bench.harness import bench_services
    from infra.local.own_worker import OwnWorker

    with tempfile.TemporaryDirectory() as tmp, bench_services(Path(tmp)) as services:
        own = OwnWorker(services.settings, Path(tmp) / "worker").start()
        try:
            rows = await run(services.kafka, own.prefix, own.mongodb_uri, "billhound")
        finally:
            own.stop()
    print(f"{'topic':28} sent dead-lettered_with_reason good_handled_after")
    for r in rows:
        handled = r["good_handled"]
        print(f"{r['topic']:28} {r['sent']:4} {r['with_reason']:26} {handled}")


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__).parse_args()
    asyncio.run(main())
