"""Publishing from outside a Faust worker (the web API): aiokafka, acks from all."""

from aiokafka import AIOKafkaProducer

from schemas.topics import TOPIC_NAMES
from streams.publish import Outgoing


class KafkaPublisher:
    """The Publisher port over a plain aiokafka producer; start() before use."""

    def __init__(self, bootstrap: str, prefix: str = "") -> None:
        self._prefix = prefix
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def publish(self, out: Outgoing) -> None:
        if out.topic not in TOPIC_NAMES:
            raise ValueError(f"not a contract topic: {out.topic}")
        key = out.key.encode() if out.key is not None else None
        # Waiting for the ack: the API answers only once the event is durable.
        await self._producer.send_and_wait(
            self._prefix + out.topic, out.event.to_bytes(), key=key
        )
