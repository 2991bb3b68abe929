"""`billhound api`: serve the API and the pages; `billhound tenants create`."""

import asyncio
import logging
import signal

from aiohttp import web

from adapters.store.mongo_tenancy import MongoTenantStore
from adapters.web.app import AccessLog, build_app
from adapters.web.security import new_api_key, sha256_hex
from infra.bootstrap import build_web, mongo_client, prepare
from infra.cli_env import Unreachable, say_unreachable, service_steps, wait_until_ready
from infra.settings import Settings
from schemas.envelope import new_id, utcnow
from schemas.records import Tenant

READY = "Billhound API ready on"


async def serve(settings: Settings) -> None:
    steps = service_steps(settings, prepare)
    await wait_until_ready("api", steps, settings.startup_wait_seconds)
    services, closers = await build_web(settings)
    app = build_app(services, settings.api_max_body_bytes)
    runner = web.AppRunner(app, access_log_class=AccessLog)
    await runner.setup()
    site = web.TCPSite(runner, settings.api_host, settings.api_port)
    await site.start()
    print(f"{READY} http://{settings.api_host}:{settings.api_port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        for close in closers:
            await close()


def run_api(settings: Settings | None = None) -> int:
    settings = settings or Settings()
    logging.basicConfig(level=settings.log_level)
    try:
        asyncio.run(serve(settings))
    except Unreachable as exc:
        say_unreachable("api", exc)
        return 2
    return 0


async def create_tenant(
    settings: Settings,
    name: str,
    tenant_id: str | None = None,
    *,
    locale: str | None = None,
) -> tuple[Tenant, str]:
    """A tenant with a new API key (replacing the key of an existing tenant_id).
    The key is returned once; only its sha256 is stored."""
    key = new_api_key()
    client = mongo_client(settings)
    try:
        store = MongoTenantStore(client[settings.mongodb_database])
        existing = await store.get(tenant_id) if tenant_id else None
        if existing is not None:  # a new key; everything else the tenant keeps
            tenant = existing.model_copy(
                update={"name": name, "api_key_sha256": sha256_hex(key)}
                | ({"locale": locale} if locale else {})
            )
        else:
            tenant = Tenant(
                tenant_id=tenant_id or new_id(),
                name=name,
                api_key_sha256=sha256_hex(key),
                created_at=utcnow(),
                **({"locale": locale} if locale else {}),
            )
        await store.save(tenant)
    finally:
        await client.close()
    return tenant, key
