"""A worker with a database of its own, on a shared broker under its own topic prefix,
for tests and benchmarks that stop the database, signal the worker or start it before
its broker: nothing else running is disturbed."""

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaProducer

from infra.local.process import ManagedProcess, free_port
from infra.local.services import start_mongo
from infra.local.worker import start_worker


@dataclass
class OwnWorker:
    base: dict[str, str]  # settings of the broker, portals, keys and mail it shares
    home: Path
    extra: dict[str, str] = field(default_factory=dict)
    prefix: str = field(default_factory=lambda: f"t-{uuid.uuid4().hex[:10]}.")
    db_port: int = field(default_factory=free_port)
    health_port: int = field(default_factory=free_port)
    mongo: ManagedProcess | None = None
    worker: ManagedProcess | None = None

    @property
    def log(self) -> Path:
        return self.home / "worker.log"

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.db_port}/?directConnection=true"

    def settings(self) -> dict[str, str]:
        return self.base | {
            "mongodb_uri": self.mongodb_uri,
            "topic_prefix": self.prefix,
            "app_id": "billhound-" + self.prefix.rstrip("."),
            "health_port": str(self.health_port),
        } | self.extra  # fmt: skip

    def start_db(self) -> None:
        self.mongo, _ = start_mongo(
            self.home / "mongo", self.home / "mongodb.log", self.db_port
        )

    def stop_db(self) -> None:
        if self.mongo is not None:
            self.mongo.stop()
            self.mongo = None

    def start(self, timeout: float = 90.0) -> "OwnWorker":
        if self.mongo is None:
            self.start_db()
        self.worker = start_worker(self.settings(), self.log, timeout)
        return self

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        self.stop_db()

    async def publish(self, topic: str, raw: bytes, key: str) -> None:
        await self.publish_many(topic, [(raw, key)])

    async def publish_many(self, topic: str, messages: list[tuple[bytes, str]]):
        """Send all through one producer, then wait for every ack."""
        producer = AIOKafkaProducer(
            bootstrap_servers=self.base["kafka_bootstrap"], acks="all"
        )
        await producer.start()
        try:
            sent = [
                await producer.send(self.prefix + topic, raw, key=key.encode())
                for raw, key in messages
            ]
            for ack in sent:
                await ack
        finally:
            await producer.stop()
