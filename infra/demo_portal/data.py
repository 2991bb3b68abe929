"""The demo portals' accounts and invoices, read from portals.json (the one source)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

PORTALS_FILE = Path(__file__).with_name("portals.json")


class Account(BaseModel):
    username: str
    password: str
    customer: str
    first_month: str  # "YYYY-MM"
    months: int
    currency: str


class PortalSpec(BaseModel):
    supplier_id: str
    variant: str
    name: str
    page_size: int
    accounts: list[Account]


@dataclass(frozen=True)
class Invoice:
    id: str
    number: str
    kind: str
    issued_on: date
    total: Decimal
    currency: str
    customer: str


def load_specs(path: Path = PORTALS_FILE) -> list[PortalSpec]:
    return [
        PortalSpec.model_validate(p) for p in json.loads(path.read_text())["portals"]
    ]


def invoices_for(spec: PortalSpec, account: Account) -> list[Invoice]:
    """Monthly invoices, newest first, with deterministic amounts."""
    year, month = (int(x) for x in account.first_month.split("-"))
    prefix = "".join(w[0] for w in spec.name.split()).upper()
    out = []
    for i in range(account.months):
        y, m = year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1
        number = f"{prefix}-{y}{m:02d}-{_digits(account.username)}"
        cents = int(hashlib.sha256(number.encode()).hexdigest()[:6], 16) % 40000 + 2500
        out.append(
            Invoice(
                id=f"inv-{y}{m:02d}-{_digits(account.username)}",
                number=number,
                kind="invoice",
                issued_on=date(y, m, 5),
                total=Decimal(cents) / 100,
                currency=account.currency,
                customer=account.customer,
            )
        )
    return sorted(out, key=lambda inv: inv.issued_on, reverse=True)


def _digits(text: str) -> str:
    return str(int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 10000).zfill(4)
