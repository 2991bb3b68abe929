"""Opens a portal session for a catalog supplier with the engine the catalog names,
within the supplier's limits: its sessions per process, its request rate across
every process that shares the request budget."""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.portals.browsers import BrowserPool
from adapters.portals.catalog import Catalog, Supplier, Variant
from adapters.portals.custom import ADAPTERS
from adapters.portals.directory import CatalogDirectory
from adapters.portals.engines.browser import BrowserPortal
from adapters.portals.engines.browser_config import BrowserConfig
from adapters.portals.engines.config import HtmlConfig, JsonApiConfig
from adapters.portals.engines.html import HtmlPortal
from adapters.portals.engines.json_api import JsonApiPortal
from adapters.portals.http import PortalHttp, new_client
from adapters.portals.pacing import LocalBudget, RequestBudget, SharedPace
from adapters.portals.protocol import PortalSession


def variant_config(supplier: Supplier, variant: Variant):
    """The supplier's engine configuration with the variant's own way of writing
    dates, amounts and kinds."""
    config = supplier.config
    if config is not None and variant.values is not None:
        config = config.model_copy(update={"values": variant.values})
    return config


def build_session(
    supplier: Supplier, variant: Variant, http: PortalHttp
) -> PortalSession:
    config = variant_config(supplier, variant)
    if isinstance(config, HtmlConfig):
        return HtmlPortal(http, config)
    if isinstance(config, JsonApiConfig):
        return JsonApiPortal(http, config)
    return ADAPTERS[supplier.adapter or ""](http, supplier)


class CatalogPortalFactory(CatalogDirectory):
    """The PortalOpener over the catalog (and, for the web's connect-time check, its
    directory too): one engine session per open, paced by the supplier's limits."""

    def __init__(
        self,
        catalog: Catalog,
        timeout_seconds: float = 30.0,
        budget: RequestBudget | None = None,
        browsers: BrowserPool | None = None,
    ) -> None:
        super().__init__(catalog)
        # Started on the first browser run only: most workers never need Chromium.
        self.browsers = browsers or BrowserPool()
        self._timeout = timeout_seconds
        # The workers' shared budget (MongoDB) makes the rate hold across workers;
        # without one (a CLI check) it holds within this process.
        self._budget = budget or LocalBudget()
        self._paces: dict[str, SharedPace] = {}
        self._sessions: dict[str, asyncio.Semaphore] = defaultdict(asyncio.Semaphore)

    def _pace(self, supplier: Supplier) -> SharedPace:
        if supplier.id not in self._paces:
            # Requests spaced 1/rate apart, no bursts, so a portal never sees more
            # than its rate (+1 at the edge) in any second, from all workers.
            rate = supplier.limits.requests_per_second
            self._paces[supplier.id] = SharedPace(supplier.id, rate, self._budget)
        return self._paces[supplier.id]

    @asynccontextmanager
    async def open(
        self, supplier_id: str, variant: str
    ) -> AsyncIterator[PortalSession]:
        supplier = self.catalog.supplier(supplier_id)
        base_url = self.catalog.base_url(supplier_id, variant)
        if supplier.id not in self._sessions:
            self._sessions[supplier.id] = asyncio.Semaphore(
                supplier.limits.max_sessions
            )
        chosen = self.catalog.variant(supplier_id, variant)
        async with self._sessions[supplier.id]:
            if supplier.engine == "browser":
                config = variant_config(supplier, chosen)
                assert isinstance(config, BrowserConfig)  # the catalog checked it
                async with self.browsers.context(base_url) as context:
                    yield BrowserPortal(context, base_url, config, self._pace(supplier))
                return
            async with new_client(self._timeout) as client:
                http = PortalHttp(client, base_url, self._pace(supplier))
                yield build_session(supplier, chosen, http)

    async def close(self) -> None:
        """Stop the browser, if a browser run started it."""
        await self.browsers.close()
