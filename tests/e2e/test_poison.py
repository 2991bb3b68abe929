"""Poison that used to stop a stage: JSON nested 50,000 deep, a 5,000-digit integer,
bytes that are not UTF-8, and a 900 KB event whose letter would not fit the broker.
Each is dead-lettered with its reason (the large one as a bounded prefix with its size,
sha256 and offset), and a good event behind them is still processed."""

import base64
import hashlib
import json

from tests.bus import produce, read_topic
from tests.e2e.fleet import connection
from tests.e2e.test_pipeline import wait_for
from tests.e2e.upstream import connection_created, envelope, unique

TOPIC = "connection-created"


def poison(tenant: str, conn: str) -> dict[str, bytes]:
    head = json.dumps(envelope(TOPIC, tenant, conn))[:-1]
    return {
        "nested deeper": b"[" * 50_000 + b"]" * 50_000,
        "digits": f'{head}, "collect_from": {"9" * 5000}}}'.encode(),
        "not UTF-8": head.encode() + b', "document_owner": "\xff\xfe"}',
        "too large": b"x" * 900_000,
    }


async def test_poison_is_dead_lettered_and_the_stage_goes_on(stack, db):
    tenant, conn = unique("tenant"), unique("conn")
    sent = poison(tenant, conn)
    for value in sent.values():
        await produce(stack.kafka, TOPIC, value, conn.encode())
    good = connection_created(
        stack.keys, tenant=tenant, connection=conn, login="x", password="y"
    )
    await produce(stack.kafka, TOPIC, good, conn.encode())

    def ours(event):
        key = event.get("original_key_b64")
        return key is not None and base64.b64decode(key).decode() == conn

    letters = await read_topic(
        stack.kafka, "dead-letter", ours, until=lambda f: len(f) >= len(sent)
    )
    by_sha = {x["original_sha256"]: x for x in letters}
    for reason, value in sent.items():
        letter = by_sha[hashlib.sha256(value).hexdigest()]
        assert reason in letter["error"], (reason, letter["error"])
        assert letter["version"] == 2 and letter["original_size"] == len(value)
        assert letter["original_offset"] is not None
        kept = base64.b64decode(letter["original_value_b64"])
        assert value.startswith(kept)
        assert letter["original_truncated"] is (len(kept) < len(value))
    assert by_sha[hashlib.sha256(sent["too large"]).hexdigest()]["original_truncated"]

    # Behind the poison, on the same partition, the good event is processed.
    assert await wait_for(lambda: connection(db, conn))
