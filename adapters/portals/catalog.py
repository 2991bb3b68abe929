"""The supplier catalog: who the suppliers are, their portals, and how to read them.

A supplier is data (catalog.json): name and aliases, portal variants (regions, personal
and business hosts), the login it expects, its 2-factor methods, politeness limits, and
the engine with its configuration. Adding a portal that differs only in markup or field
names is a new entry, no code.
"""

import json
import unicodedata
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from adapters.portals.engines.browser_config import BrowserConfig
from adapters.portals.engines.config import HtmlConfig, JsonApiConfig, Values
from adapters.portals.protocol import UnknownSupplier
from schemas.records import ConnectorKind

CATALOG_FILE = Path(__file__).with_name("catalog.json")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LoginKind(StrEnum):
    USERNAME = "username"
    EMAIL = "email"


class Variant(Frozen):
    label: str = Field(description="What a person picks, e.g. 'United Kingdom'")
    base_url: str
    region: str | None = None
    account_type: Literal["personal", "business"] = "personal"
    values: Values | None = Field(
        default=None, description="How this variant writes dates, amounts, kinds"
    )


class Limits(Frozen):
    max_sessions: int = Field(2, ge=1, description="Concurrent fetches, all workers")
    requests_per_second: float = Field(4.0, gt=0)
    parallel_downloads: int = Field(
        2, ge=1, description="Downloads in flight within one fetch run"
    )


class Supplier(Frozen):
    id: str
    name: str
    aliases: list[str] = []
    connector_kinds: list[ConnectorKind] = [ConnectorKind.COST]
    login_kind: LoginKind = LoginKind.USERNAME
    login_case_sensitive: bool = False
    two_factor: list[Literal["totp", "sms", "email", "app"]] = []
    limits: Limits = Limits()
    variants: dict[str, Variant]
    engine: Literal["html", "json_api", "browser", "custom"]
    config: HtmlConfig | JsonApiConfig | BrowserConfig | None = None
    adapter: str | None = Field(
        default=None, description="custom engine: a name in adapters.portals.custom"
    )

    @model_validator(mode="before")
    @classmethod
    def _config_for_engine(cls, data):
        # Parse `config` with the model its engine reads, so errors name the right one.
        if isinstance(data, dict) and isinstance(data.get("config"), dict):
            model = {
                "html": HtmlConfig,
                "json_api": JsonApiConfig,
                "browser": BrowserConfig,
            }.get(data["engine"])
            if model is not None:
                data = data | {"config": model.model_validate(data["config"])}
        return data

    @model_validator(mode="after")
    def _engine_has_what_it_needs(self):
        if self.engine == "custom" and not self.adapter:
            raise ValueError(f"{self.id}: a custom engine needs `adapter`")
        if self.engine != "custom" and self.config is None:
            raise ValueError(f"{self.id}: engine {self.engine} needs `config`")
        return self


def fold(text: str) -> str:
    """Lower case without accents or punctuation, for matching what people type."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in plain.lower()).split())


class Catalog:
    def __init__(self, suppliers: list[Supplier], urls: dict[str, str] | None = None):
        self._by_id = {s.id: s for s in suppliers}
        # Operator overrides "supplier/variant" -> base URL (local stack, staging).
        self._urls = urls or {}

    @classmethod
    def load(
        cls,
        urls: dict[str, str] | None = None,
        path: Path = CATALOG_FILE,
        extra: list[Path] | tuple[Path, ...] = (),
    ):
        """The catalog file, then each extra file (an operator's own suppliers); an
        extra entry with a known id replaces the entry before it."""
        suppliers: dict[str, Supplier] = {}
        for file in (path, *extra):
            for raw in json.loads(Path(file).read_text())["suppliers"]:
                supplier = Supplier.model_validate(raw)
                suppliers[supplier.id] = supplier
        return cls(list(suppliers.values()), urls)

    def all(self) -> list[Supplier]:
        return sorted(self._by_id.values(), key=lambda s: s.name)

    def supplier(self, supplier_id: str) -> Supplier:
        try:
            return self._by_id[supplier_id]
        except KeyError:
            raise UnknownSupplier(f"unknown supplier {supplier_id!r}") from None

    def variant(self, supplier_id: str, variant: str) -> Variant:
        supplier = self.supplier(supplier_id)
        if variant not in supplier.variants:
            known = ", ".join(sorted(supplier.variants))
            raise UnknownSupplier(
                f"{supplier_id} has no portal variant {variant!r} (it has: {known})"
            )
        return supplier.variants[variant]

    def region(self, supplier_id: str, variant: str) -> str | None:
        """The variant's region ("gb", "de"): how its documents write dates, and
        which languages a scan of them is in; None for a supplier no longer listed."""
        try:
            return self.variant(supplier_id, variant).region
        except LookupError:
            return None

    def variant_label(self, supplier_id: str, variant: str) -> str:
        """The portal as people know it ("United Kingdom (rainforest.co.uk)")."""
        try:
            return self.variant(supplier_id, variant).label
        except LookupError:
            return variant

    def base_url(self, supplier_id: str, variant: str) -> str:
        default = self.variant(supplier_id, variant).base_url
        return self._urls.get(f"{supplier_id}/{variant}") or default

    def search(self, text: str, limit: int = 10) -> list[Supplier]:
        """Suppliers whose name, alias, id or portal host matches, best first."""
        query = fold(text)
        if not query:
            return []
        scored = []
        for s in self._by_id.values():
            names = [fold(n) for n in [s.name, *s.aliases, s.id]]
            hosts = [fold(v.base_url.split("//")[-1]) for v in s.variants.values()]
            if any(n == query for n in names):
                score = 0
            elif any(n.startswith(query) for n in names):
                score = 1
            elif any(w.startswith(query) for n in names for w in n.split()):
                score = 2
            elif any(query in n for n in names + hosts):
                score = 3
            else:
                continue
            scored.append((score, s.name, s))
        return [s for _, _, s in sorted(scored, key=lambda t: t[:2])][:limit]
