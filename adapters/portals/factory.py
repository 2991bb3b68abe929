"""Opens a portal session for a catalog supplier with the engine the catalog names,
paced by the supplier's limits (shared by every session of this process)."""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter

from adapters.portals.catalog import Catalog, Supplier, Variant
from adapters.portals.custom import ADAPTERS
from adapters.portals.directory import CatalogDirectory
from adapters.portals.engines.config import HtmlConfig, JsonApiConfig
from adapters.portals.engines.html import HtmlPortal
from adapters.portals.engines.json_api import JsonApiPortal
from adapters.portals.http import PortalHttp, new_client
from adapters.portals.protocol import PortalSession


def build_session(
    supplier: Supplier, variant: Variant, http: PortalHttp
) -> PortalSession:
    config = supplier.config
    if config is not None and variant.values is not None:
        config = config.model_copy(update={"values": variant.values})
    if isinstance(config, HtmlConfig):
        return HtmlPortal(http, config)
    if isinstance(config, JsonApiConfig):
        return JsonApiPortal(http, config)
    return ADAPTERS[supplier.adapter or ""](http, supplier)


class CatalogPortalFactory(CatalogDirectory):
    """The PortalOpener over the catalog (and, for the web's connect-time check, its
    directory too): one engine session per open, paced by the supplier's limits."""

    def __init__(self, catalog: Catalog, timeout_seconds: float = 30.0) -> None:
        super().__init__(catalog)
        self._timeout = timeout_seconds
        self._limiters: dict[str, AsyncLimiter] = {}
        self._sessions: dict[str, asyncio.Semaphore] = defaultdict(asyncio.Semaphore)

    def _limiter(self, supplier: Supplier) -> AsyncLimiter:
        if supplier.id not in self._limiters:
            # Capacity one: requests are spaced 1/rate apart, no bursts, so a portal
            # never sees more than rate (+1 at the edge) requests in any second.
            limiter = AsyncLimiter(1, 1 / supplier.limits.requests_per_second)
            self._limiters[supplier.id] = limiter
        return self._limiters[supplier.id]

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
        async with self._sessions[supplier.id], new_client(self._timeout) as client:
            http = PortalHttp(client, base_url, self._limiter(supplier))
            yield build_session(
                supplier, self.catalog.variant(supplier_id, variant), http
            )
