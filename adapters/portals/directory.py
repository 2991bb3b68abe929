"""The SupplierDirectory port over the catalog: what Billhound says of a supplier
(its name, what can be connected, the remedy for a failure, how many sessions it
allows), with no portal opened."""

from adapters.portals.catalog import Catalog, UnknownSupplier
from adapters.portals.hints import remedy
from adapters.portals.protocol import NotOffered, PortalError
from schemas.errors import REMEDY
from schemas.records import ConnectorKind


class CatalogDirectory:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def supplier_name(self, supplier_id: str) -> str:
        try:
            return self.catalog.supplier(supplier_id).name
        except LookupError:  # gone from the catalog: its id still names it
            return supplier_id

    def offering(
        self, supplier_id: str, variant: str | None, kind: ConnectorKind
    ) -> str:
        try:
            supplier = self.catalog.supplier(supplier_id)
        except UnknownSupplier as exc:
            raise NotOffered("unknown_supplier", str(exc), "supplier_id") from None
        if variant is not None and variant not in supplier.variants:
            known = ", ".join(sorted(supplier.variants))
            raise NotOffered(
                "unknown_variant",
                f"{supplier.name} has no portal variant {variant!r} (it has: {known})",
                "portal_variant",
            )
        if kind not in supplier.connector_kinds:
            offered = ", ".join(k.value for k in supplier.connector_kinds)
            raise NotOffered(
                "kind_not_offered",
                f"{supplier.name} offers {offered} connections, not {kind.value}",
                "connector_kind",
            )
        return supplier.name

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

    def parallel_downloads(self, supplier_id: str) -> int:
        try:
            return self.catalog.supplier(supplier_id).limits.parallel_downloads
        except LookupError:
            return 1

    def session_limit(self, supplier_id: str) -> int:
        try:
            return self.catalog.supplier(supplier_id).limits.max_sessions
        except LookupError:
            return 1
