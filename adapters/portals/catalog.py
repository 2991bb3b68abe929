"""The supplier catalog: who the suppliers are and where their portals live."""

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict

CATALOG_FILE = Path(__file__).with_name("catalog.json")


class Variant(BaseModel):
    model_config = ConfigDict(frozen=True)
    base_url: str


class Supplier(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    aliases: list[str] = []
    adapter: str
    variants: dict[str, Variant]


class UnknownSupplier(LookupError):
    pass


class Catalog:
    def __init__(self, suppliers: list[Supplier], urls: dict[str, str] | None = None):
        self._by_id = {s.id: s for s in suppliers}
        # Operator overrides "supplier/variant" -> base URL (local stack, staging).
        self._urls = urls or {}

    @classmethod
    def load(cls, urls: dict[str, str] | None = None, path: Path = CATALOG_FILE):
        data = json.loads(path.read_text())
        return cls([Supplier.model_validate(s) for s in data["suppliers"]], urls)

    def supplier(self, supplier_id: str) -> Supplier:
        try:
            return self._by_id[supplier_id]
        except KeyError:
            raise UnknownSupplier(f"unknown supplier {supplier_id!r}") from None

    def base_url(self, supplier_id: str, variant: str) -> str:
        supplier = self.supplier(supplier_id)
        if variant not in supplier.variants:
            raise UnknownSupplier(f"{supplier_id} has no portal variant {variant!r}")
        override = self._urls.get(f"{supplier_id}/{variant}")
        return override or supplier.variants[variant].base_url
