"""Opens a portal session for a catalog supplier with the adapter the catalog names."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.portals.catalog import Catalog
from adapters.portals.demo_html import DemoHtmlPortal
from adapters.portals.http import new_client
from adapters.portals.protocol import PortalSession

ADAPTERS = {"demo_html": DemoHtmlPortal}


class CatalogPortalFactory:
    def __init__(self, catalog: Catalog, timeout_seconds: float = 30.0) -> None:
        self._catalog = catalog
        self._timeout = timeout_seconds

    def supplier_name(self, supplier_id: str) -> str:
        return self._catalog.supplier(supplier_id).name

    @asynccontextmanager
    async def open(
        self, supplier_id: str, variant: str
    ) -> AsyncIterator[PortalSession]:
        supplier = self._catalog.supplier(supplier_id)
        base_url = self._catalog.base_url(supplier_id, variant)
        async with new_client(self._timeout) as client:
            yield ADAPTERS[supplier.adapter](client, base_url)
