"""`billhound api`: serve the API and the pages; `billhound tenants create`."""

import asyncio
import logging
import signal

from aiohttp import web

from adapters.web.app import AccessLog, build_app
from infra.bootstrap import build_web, prepare, tenant_service
from infra.cli_env import Unreachable, say_unreachable, service_steps, wait_until_ready
from infra.clients import mongo_client
from infra.settings import Settings
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
    client = mongo_client(settings)
    try:
        tenants = tenant_service(client[settings.mongodb_database])
        return await tenants.create(name, tenant_id, locale)
    finally:
        await client.close()
