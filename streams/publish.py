"""Publishing events: the Outgoing value handlers return, and the publisher port."""

import logging
from dataclasses import dataclass
from typing import Protocol

from schemas.envelope import Event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """An event a handler wants published, with its topic and partition key."""

    topic: str
    key: str | None
    event: Event


class Publisher(Protocol):
    async def publish(self, out: Outgoing) -> None: ...


class FaustPublisher:
    """Sends through Faust's producer and waits for the broker's ack."""

    def __init__(self, topics) -> None:  # streams.topics.Topics
        self._topics = topics

    async def publish(self, out: Outgoing) -> None:
        topic = self._topics[out.topic]
        key = out.key.encode() if out.key is not None else None
        pending = await topic.send(key=key, value=out.event.to_bytes())
        # Waiting for the ack keeps "publish, then persist the bookmark" ordered.
        await pending

    async def publish_many(self, outgoing: list[Outgoing]) -> None:
        """Send all, then wait for every ack: one round trip, not one each."""
        pending = []
        for out in outgoing:
            key = out.key.encode() if out.key is not None else None
            topic = self._topics[out.topic]
            pending.append(await topic.send(key=key, value=out.event.to_bytes()))
        for ack in pending:
            await ack


async def publish_all(publisher: Publisher, outgoing: list[Outgoing]) -> None:
    """Publish all, in order; a publisher that can send them all before waiting for
    the acks (the broker's) does."""
    many = getattr(publisher, "publish_many", None)
    if many is not None:
        await many(outgoing)
        return
    for out in outgoing:
        await publisher.publish(out)


class ListPublisher:
    """Collects what would be published: for unit tests of handlers."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    async def publish(self, out: Outgoing) -> None:
        self.sent.append(out)

    def events(self, topic: str) -> list[Event]:
        return [o.event for o in self.sent if o.topic == topic]
