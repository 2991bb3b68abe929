"""Test helpers that talk to the broker with plain aiokafka, not the project's code."""

import asyncio
import json
import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def produce(bootstrap: str, topic: str, value: bytes, key: bytes | None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def partitions_of(bootstrap: str, topic: str, deadline: float) -> list[int]:
    """The topic's partitions, once the broker knows the topic (or none by then)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        while True:
            (described,) = await admin.describe_topics([topic])
            found = [p["partition"] for p in described.get("partitions", [])]
            if found or time.monotonic() >= deadline:
                return sorted(found)
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


async def read_topic(
    bootstrap: str,
    topic: str,
    match: Callable[[dict], bool],
    *,
    until: Callable[[list[dict]], bool],
    timeout: float = 60.0,
) -> list[dict]:
    """Every matching JSON event on topic, from the start, once `until` holds or the
    timeout passes; a test then asserts on what it got."""
    deadline = time.monotonic() + timeout
    partitions = await partitions_of(bootstrap, topic, deadline)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        found: list[dict] = []
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=300)
            for messages in batches.values():
                for msg in messages:
                    try:
                        event = json.loads(msg.value)
                    except (ValueError, RecursionError):  # poison other tests sent
                        continue
                    if isinstance(event, dict) and match(event):
                        found.append(event)
            if until(found):
                break
        return found
    finally:
        await consumer.stop()


async def raw_values(
    bootstrap: str, topics: list[str], quiet: float = 1.0
) -> list[bytes]:
    """Every message value on these topics, read until `quiet` seconds bring nothing."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    try:
        values: list[bytes] = []
        while True:
            batches = await consumer.getmany(timeout_ms=int(quiet * 1000))
            if not batches:
                return values
            for messages in batches.values():
                values.extend(m.value or b"" for m in messages)
    finally:
        await consumer.stop()
