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


async def read_to_end(
    bootstrap: str, topic: str, match: Callable[[dict], bool]
) -> list[dict]:
    """Every matching JSON event on topic, from the start to its end as it is now:
    what has been published so far, with no waiting for more."""
    partitions = await partitions_of(bootstrap, topic, time.monotonic() + 10)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in partitions]
        return [e for _, v in await _to_end(consumer, tps) for e in _matching(v, match)]
    finally:
        await consumer.stop()


async def true_ends(
    consumer: AIOKafkaConsumer, tps: list[TopicPartition], timeout: float = 5.0
) -> dict[TopicPartition, int]:
    """End offsets to trust on the embedded broker too: Tansu reports the end of a
    partition whose last write was a batch of several records as that batch's first
    offset + 1; the batch, read back, shows the real end. Leaves the consumer
    assigned to the partitions that hold records."""
    ends = await consumer.end_offsets(tps)
    left = {tp for tp in tps if ends[tp] > 0}
    if not left:
        return ends
    consumer.assign(list(left))
    for tp in left:
        consumer.seek(tp, ends[tp] - 1)
    deadline = time.monotonic() + timeout
    while left and time.monotonic() < deadline:
        batches = await consumer.getmany(*left, timeout_ms=500)
        for tp, messages in batches.items():
            if messages:  # a fetch returns the whole batch the offset is in
                ends[tp] = max(ends[tp], messages[-1].offset + 1)
                left.discard(tp)
    return ends


async def consumed_to_end(
    bootstrap: str, group: str, topics: list[str], timeout: float = 30.0
) -> bool:
    """True once consumer group `group` has committed, on every partition of these
    topics, the end offset each had when this began (False at the timeout)."""
    deadline = time.monotonic() + timeout
    tps = [
        TopicPartition(topic, p)
        for topic in topics
        for p in await partitions_of(bootstrap, topic, deadline)
    ]
    # Assigned, not subscribed: it reads the group's commits and never joins it.
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        ends = await true_ends(consumer, tps)
        while True:
            if all(
                [
                    ends[tp] == 0 or (await consumer.committed(tp) or 0) >= ends[tp]
                    for tp in tps
                ]
            ):
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.2)
    finally:
        await consumer.stop()


async def caught_up(stack, *topics: str) -> None:
    """Wait until the worker has handled and committed every event on these topics
    as they stand now: the positive marker that nothing more is on its way."""
    group = stack.settings.get("app_id", "billhound")
    assert await consumed_to_end(stack.kafka, group, list(topics)), (
        f"the worker did not catch up on {topics}"
    )


def _matching(value: bytes, match: Callable[[dict], bool]) -> list[dict]:
    try:
        event = json.loads(value)
    except (ValueError, RecursionError):  # poison other tests sent
        return []
    return [event] if isinstance(event, dict) and match(event) else []


async def raw_values(bootstrap: str, topics: list[str]) -> list[bytes]:
    """Every message value on these topics, from the start to their end as it is
    now (no waiting for quiet)."""
    deadline = time.monotonic() + 10
    tps = [
        TopicPartition(topic, p)
        for topic in topics
        for p in await partitions_of(bootstrap, topic, deadline)
    ]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        return [value for _, value in await _to_end(consumer, tps)]
    finally:
        await consumer.stop()


async def _to_end(consumer, tps: list) -> list[tuple[TopicPartition, bytes]]:
    """(partition, value) of every message up to each partition's end as it is now."""
    consumer.assign(tps)
    ends = await consumer.end_offsets(tps)
    # Only partitions that hold messages: an empty one the broker has only just
    # made would leave the others' positions unread.
    left = {tp for tp in tps if ends[tp] > 0}
    if not left:
        return []
    consumer.assign(list(left))
    await consumer.seek_to_beginning(*left)
    got: list[tuple[TopicPartition, bytes]] = []
    while left:
        batches = await consumer.getmany(*left, timeout_ms=1000)
        # Every record fetched counts, also past the end offset: Tansu reports the
        # end of a partition whose last write was a batch of several records as that
        # batch's first offset + 1, and a fetch returns the whole batch.
        for tp, messages in batches.items():
            got.extend((tp, m.value or b"") for m in messages)
        left = {tp for tp in left if await consumer.position(tp) < ends[tp]}
    return got
