"""Each portal engine against each demo portal, without the pipeline: how fast a full
collection runs under the supplier's own politeness limits, and what the portal saw.

Run: python -m bench.portal_engines  (part of `make bench`)
"""

import asyncio
import json
import time
from datetime import date

import aiohttp
from pydantic import SecretStr

from adapters.portals.catalog import Catalog
from adapters.portals.factory import CatalogPortalFactory
from infra.demo import unattended
from infra.demo_portal.server import PortalThread
from schemas.records import Credentials


async def collect(factory, spec, account) -> tuple[int, float]:
    totp = account.totp_secret
    creds = Credentials(
        login=account.username,
        password=SecretStr(account.password),
        totp_secret=SecretStr(totp) if totp else None,
    )
    started = time.perf_counter()
    async with factory.open(spec.supplier_id, spec.variant) as portal:
        await portal.login(creds)
        refs = [r async for r in portal.list_documents(date(2000, 1, 1))]
        for ref in refs:
            await portal.download(ref)
    return len(refs), time.perf_counter() - started


async def run(portals: PortalThread) -> None:
    catalog = Catalog.load(portals.urls)
    factory = CatalogPortalFactory(catalog, 30)
    print(
        f"{'portal':30} {'engine':9} {'docs':>5} {'secs':>6} {'docs/s':>7} "
        f"{'busiest s':>9} {'limit/s':>7}"
    )
    for running in portals.portals:
        spec = running.spec
        if spec.supplier_id not in {s.id for s in catalog.all()}:
            continue
        supplier = catalog.supplier(spec.supplier_id)
        account = next((a for a in spec.accounts if unattended(a)), None)
        if account is None:
            continue
        async with aiohttp.ClientSession() as http:
            await (await http.post(running.url + "/_demo/reset")).release()
            docs, secs = await collect(factory, spec, account)
            seen = json.loads(
                await (await http.get(running.url + "/_demo/stats")).read()
            )
        print(
            f"{spec.key:30} {supplier.engine:9} {docs:5d} {secs:6.2f} "
            f"{docs / secs:7.1f} {seen['busiest_second']:9d} "
            f"{supplier.limits.requests_per_second:7.0f}"
        )


def main() -> None:
    portals = PortalThread().start()
    try:
        asyncio.run(run(portals))
    finally:
        portals.stop()


if __name__ == "__main__":
    main()
