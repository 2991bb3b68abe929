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
from infra.local.process import free_port
from infra.local.worker import start_api, start_worker
from tests.backends import chosen_backend, describe, services

BACKEND = chosen_backend()
MAX_DOCUMENT_BYTES = 200_000  # the worker's limit in tests: bigger files are rejected


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
    settings: dict[str, str]
    api_port: int

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
    api_port = free_port()
    settings = {
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
        # Reminders of a disruption every 10 s instead of days, at most 2.
        "reminder_after_days": str(10 / 86400),
        "reminder_limit": "2",
        "public_url": f"http://127.0.0.1:{api_port}",
        "max_document_bytes": str(MAX_DOCUMENT_BYTES),
        "health_port": str(free_port()),
    }
    worker = start_worker(settings, log)
    try:
        yield Stack(
            kafka,
            mongodb_uri,
            "billhound_test",
            mail,
            portals,
            keys,
            log,
            settings,
            api_port,
        )
    finally:
        worker.stop()
        portals.stop()
        mail.stop()


@pytest.fixture
async def db(stack):
    client = AsyncMongoClient(stack.mongodb_uri, tz_aware=True)
    yield client[stack.db_name]
    await client.close()


@dataclass
class Web:
    """The API process, and two tenants to prove they cannot see each other."""

    url: str
    log: Path
    keys: dict[str, str]  # tenant id -> API key
    names: dict[str, str]

    async def add_tenant(self, tenant_id: str, name: str, settings) -> None:
        """Another tenant, for a test whose documents must not meet alpha's (dedupe
        is per tenant: the same account's files twice in one tenant are duplicates)."""
        from infra.web import create_tenant

        _, self.keys[tenant_id] = await create_tenant(settings, name, tenant_id)
        self.names[tenant_id] = name

    def headers(self, tenant: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[tenant]}"}

    async def call(self, tenant: str | None, method: str, path: str, **kw):
        """(status, JSON body or bytes) of one API call as that tenant."""
        headers = (self.headers(tenant) if tenant else {}) | kw.pop("headers", {})
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, self.url + path, headers=headers, **kw) as resp,
        ):
            if resp.content_type == "application/json":
                return resp.status, await resp.json()
            return resp.status, await resp.read()


@pytest.fixture(scope="session")
async def web(stack, tmp_path_factory):
    """`billhound api` on the stack, with tenants alpha and beta."""
    from infra.settings import Settings
    from infra.web import create_tenant

    log = tmp_path_factory.mktemp("api") / "api.log"
    proc = start_api(stack.settings | {"api_port": str(stack.api_port)}, log)
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    keys, names = {}, {}
    for tenant_id, name in (("alpha", "Alpha Bookkeeping"), ("beta", "Beta Accounts")):
        _, keys[tenant_id] = await create_tenant(settings, name, tenant_id)
        names[tenant_id] = name
    try:
        yield Web(f"http://127.0.0.1:{stack.api_port}", log, keys, names)
    finally:
        proc.stop()
