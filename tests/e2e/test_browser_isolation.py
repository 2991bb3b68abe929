"""Browser runs side by side, through the portal factory a worker uses, on demo
portals and Debian's Chromium: each run's cookies are its own, runs beyond the cap on
contexts wait while HTTP runs go on, and the context is closed when a run ends."""

import asyncio
import json
from datetime import date

from pydantic import SecretStr

from adapters.portals.browsers import BrowserPool
from adapters.portals.catalog import Catalog
from adapters.portals.factory import CatalogPortalFactory
from infra.demo_portal.data import spec_for
from schemas.records import Credentials

VOLTARIA, QUILLPOST = "voltaria-energy/default", "quillpost/default"


def login_of(key: str, login: str) -> Credentials:
    account = spec_for(key).account(login)
    return Credentials(login=login, password=SecretStr(account.password))


async def test_runs_beyond_the_context_cap_wait_while_http_runs_go_on(stack):
    factory = CatalogPortalFactory(
        Catalog.load(json.loads(stack.settings["portal_urls"])),
        30,
        browsers=BrowserPool(max_contexts=1),
    )
    held, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with factory.open("voltaria-energy", "default") as portal:
            await portal.login(login_of(VOLTARIA, "ops@acme.example"))
            held.set()
            await release.wait()

    async def second() -> int:
        async with factory.open("quillpost", "default") as portal:
            await portal.login(login_of(QUILLPOST, "office@acme.example"))
            return len([r async for r in portal.list_documents(date(2025, 1, 1))])

    try:
        holding = asyncio.create_task(first())
        await held.wait()
        waiting = asyncio.create_task(second())
        # An HTTP run starts and ends while the browser run waits for a context.
        async with factory.open("northwind-energy", "default") as portal:
            await portal.login(login_of("northwind-energy/default", "acme-ltd"))
            refs = [r async for r in portal.list_documents(date(2025, 1, 1))]
        assert refs and not waiting.done()
        assert factory.browsers.open_contexts == 1
        release.set()
        await holding
        assert await asyncio.wait_for(waiting, 60) > 0
        assert factory.browsers.open_contexts == 0
    finally:
        release.set()
        await factory.close()


async def test_one_runs_cookies_are_never_seen_by_another(stack):
    factory = CatalogPortalFactory(
        Catalog.load(json.loads(stack.settings["portal_urls"])), 30
    )
    try:
        async with factory.open("voltaria-energy", "default") as signed:
            await signed.login(login_of(VOLTARIA, "ops@acme.example"))
            kept = signed.export_state()
            assert kept["storage"]["cookies"]
            async with factory.open("voltaria-energy", "default") as other:
                # A fresh context at the same time: not signed in, nothing shared.
                assert not await other.resume()
                assert await other.context.cookies() == []
        async with factory.open("voltaria-energy", "default") as again:
            again.restore_state(kept)  # the kept session, as a later run has it
            assert await again.resume()
    finally:
        await factory.close()
