"""What the benchmarks share: a broker, the demo portal fleet, a mail catcher and
credential keys, with the worker settings that point at them (each trial adds a
worker with a database of its own, infra.local.own_worker.OwnWorker), and the
worker's figures: CPU, memory, health, and whether its stages have caught up."""

import asyncio
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import AsyncMongoClient

from adapters.vault.sealing import KeyRing
from infra.demo_portal.server import PortalThread
from infra.local.mail import MailCatcher
from infra.local.own_worker import OwnWorker
from infra.local.services import start_broker


@dataclass
class BenchServices:
    settings: dict[str, str]
    keys: KeyRing
    portals: PortalThread

    @property
    def kafka(self) -> str:
        return self.settings["kafka_bootstrap"]

    async def portal_call(self, key: str, path: str, body: dict) -> None:
        url = self.portals.urls[key] + path
        async with aiohttp.ClientSession() as http, http.post(url, json=body) as resp:
            resp.raise_for_status()


@contextmanager
def bench_services(home: Path):
    broker, bootstrap = start_broker(home / "broker.log")
    mail = MailCatcher().start()
    portals = PortalThread().start()
    KeyRing.create(home / "keys")
    try:
        yield BenchServices(
            {
                "kafka_bootstrap": bootstrap,
                "mongodb_database": "billhound",
                "smtp_host": "127.0.0.1",
                "smtp_port": str(mail.port),
                "vault_keys_dir": str(home / "keys"),
                "portal_urls": json.dumps(portals.urls),
                "scheduler_tick_seconds": "1",
                "log_level": "INFO",
            },
            KeyRing.load(home / "keys"),
            portals,
        )
    finally:
        portals.stop()
        mail.stop()
        broker.stop()


async def inbox_numbers(uri: str, connection_id: str) -> list[str] | None:
    """The invoice numbers in a connection's inbox; None while the database is away."""
    client = AsyncMongoClient(uri, serverSelectionTimeoutMS=500)
    try:
        rows = (
            await client["billhound"]["inbox"]
            .find({"connection_id": connection_id}, {"metadata.number": 1})
            .to_list(None)
        )
    except Exception:  # noqa: BLE001 - away: the caller polls again
        return None
    finally:
        await client.close()
    return [r["metadata"]["number"] for r in rows]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def published(bootstrap: str, topic: str) -> int:
    """How many events a topic holds (a fresh topic: its end offsets' sum)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            await consumer.topics()  # fetches the metadata, then ask again
            parts = consumer.partitions_for_topic(topic) or set()
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in parts])
        return sum(ends.values())
    finally:
        await consumer.stop()


async def health(port: int) -> dict:
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return await resp.json()


async def wait_until(predicate, timeout: float, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := await predicate():
            return result
        await asyncio.sleep(every)
    return None


# The stages that take the documents a fetch finds, and the topic each reads.
STAGE_TOPICS = (("document-found", "dedupe"), ("document-accepted", "inbox"))


async def drained(own: OwnWorker) -> float:
    """When dedupe and inbox had handled every event the fetches made (monotonic)."""
    bootstrap = own.base["kafka_bootstrap"]

    async def handled_all():
        stages = (await health(own.health_port))["stages"]
        for topic, stage in (
            ("document-found", "dedupe"),
            ("document-accepted", "inbox"),
        ):
            if stages[stage]["handled"] < await published(
                bootstrap, own.prefix + topic
            ):
                return False
        return True

    assert await wait_until(handled_all, timeout=900), "dedupe and inbox fell behind"
    return time.monotonic()
