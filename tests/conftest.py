"""Shared fixtures: real services on free ports of 127.0.0.1, once per session."""

import json
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from pymongo import AsyncMongoClient

from adapters.vault.sealing import KeyRing
from infra.demo_portal.server import PortalThread
from infra.local.mail import MailCatcher
from infra.local.worker import start_worker
from tests.backends import chosen_backend, describe, services

BACKEND = chosen_backend()


def pytest_report_header(config):
    return f"billhound services: {describe(BACKEND)}"


@dataclass
class Stack:
    kafka: str
    mongodb_uri: str
    db_name: str
    mail: MailCatcher
    portals: PortalThread
    keys: KeyRing
    worker_log: Path

    def portal_url(self, key: str = "northwind-energy/default") -> str:
        return self.portals.urls[key]

    async def login_attempts(self, username: str) -> int:
        url = self.portal_url() + "/_demo/stats"
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            return (await resp.json())["login_attempts"].get(username, 0)


@pytest.fixture(scope="session")
def service_addresses(tmp_path_factory):
    with services(BACKEND, tmp_path_factory.mktemp("services")) as addresses:
        yield addresses


@pytest.fixture(scope="session")
def stack(service_addresses, tmp_path_factory):
    """Broker, database, SMTP, demo portals and one `billhound worker` process."""
    kafka, mongodb_uri = service_addresses
    home = tmp_path_factory.mktemp("billhound")
    KeyRing.create(home / "keys")
    keys = KeyRing.load(home / "keys")
    mail = MailCatcher().start()
    portals = PortalThread().start()
    log = home / "worker.log"
    worker = start_worker(
        {
            "kafka_bootstrap": kafka,
            "mongodb_uri": mongodb_uri,
            "mongodb_database": "billhound_test",
            "smtp_host": "127.0.0.1",
            "smtp_port": str(mail.port),
            "vault_keys_dir": str(home / "keys"),
            "portal_urls": json.dumps(portals.urls),
            "scheduler_tick_seconds": "0.5",
            "fetch_retry_base_seconds": "1",
            "stage_backoff_seconds": "0.1",
            "portal_timeout_seconds": "10",
        },
        log,
    )
    try:
        yield Stack(kafka, mongodb_uri, "billhound_test", mail, portals, keys, log)
    finally:
        worker.stop()
        portals.stop()
        mail.stop()


@pytest.fixture
async def db(stack):
    client = AsyncMongoClient(stack.mongodb_uri, tz_aware=True)
    yield client[stack.db_name]
    await client.close()
