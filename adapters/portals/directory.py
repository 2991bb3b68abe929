"""The SupplierDirectory port over the catalog: what Billhound says of a supplier
(its name, the remedy for a failure, how many sessions it allows), with no portal
opened."""

from adapters.portals.catalog import Catalog
from adapters.portals.hints import remedy
from adapters.portals.protocol import PortalError
from schemas.errors import REMEDY


class CatalogDirectory:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def supplier_name(self, supplier_id: str) -> str:
        try:
            return self.catalog.supplier(supplier_id).name
        except LookupError:  # gone from the catalog: its id still names it
            return supplier_id

    def remedy(
        self,
        supplier_id: str,
        err: PortalError,
        credentials,
        *,
        variant: str | None = None,
        worked_before: bool = False,
    ) -> str:
        try:
            supplier = self.catalog.supplier(supplier_id)
        except LookupError:
            return REMEDY[err.code]
        return remedy(
            supplier, err, credentials, variant=variant, worked_before=worked_before
        )

    def session_limit(self, supplier_id: str) -> int:
        try:
            return self.catalog.supplier(supplier_id).limits.max_sessions
        except LookupError:
            return 1
