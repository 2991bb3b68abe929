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

    async def login_attempts(
        self, username: str, key: str = "northwind-energy/default"
    ) -> int:
        return (await self.portal_stats(key))["login_attempts"].get(username, 0)

    async def portal_stats(self, key: str) -> dict:
        return await self.portal_call(key, "GET", "/_demo/stats")

    async def portal_call(self, key: str, method: str, path: str, body=None):
        """Steer a demo portal: /_demo/behaviour, /_demo/reset, /_demo/codes/..."""
        url = self.portal_url(key) + path
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, url, json=body) as resp,
        ):
            resp.raise_for_status()
            return await resp.json()


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
            # Codes a portal sends live 5 minutes; the tests cannot wait that long.
            "challenge_ttl_seconds": "8",
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
