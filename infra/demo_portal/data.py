"""The demo portals' accounts and documents, read from portals.json (the one source)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

PORTALS_FILE = Path(__file__).with_name("portals.json")


class Account(BaseModel):
    username: str  # the login: a username or an email, as the portal expects
    password: str
    customer: str
    first_month: str  # "YYYY-MM"
    months: int
    currency: str
    per_month: int = 1
    credit_every: int = 0  # every Nth document is a credit note (0: none)
    sso_only: bool = False
    locked: bool = False
    action_needed: bool = False  # new terms to accept before anything else
    two_factor: Literal["totp", "sms"] | None = None
    totp_secret: str | None = None
    phone: str | None = None
    captcha: bool = False  # a browser portal asks a new device for a captcha
    app_approval: bool = False  # ...or for an approval in the supplier's app
    # What its documents are: PDFs (None), Factur-X PDFs (their CII XML inside),
    # XRechnung XML files (listed with .xml links), or both a PDF and an XRechnung
    # file of each invoice, listed as two rows.
    einvoice: Literal["factur-x", "xrechnung", "both"] | None = None


class PortalSpec(BaseModel):
    supplier_id: str
    variant: str
    name: str
    frontend: Literal["html", "spa", "browser"] = "html"
    # The browser frontend: downloads as links or as blobs made by script, and
    # paging by a "Load more" button or a "Next page" button.
    download: Literal["link", "blob"] = "link"
    paging: Literal["more", "next"] = "next"
    skin: str = "classic"
    api_shape: str = "brightline"
    documents_path: str = "/documents"
    page_size: int
    lockout_after: int = 5
    case_sensitive: bool = False
    date_format: str = "%Y-%m-%d"
    decimal_comma: bool = False
    # How list pages link on: "root" (absolute paths), "query" ("?page=2" and
    # downloads relative to the page) or "path" ("invoices/page/2", then "3").
    links: Literal["root", "query", "path"] = "root"
    # Says "no account with that login" apart from "wrong password", as some real
    # portals do; others (the default) give one message for both.
    says_unknown_login: bool = False
    vat_id: str = "DE987654328"  # printed in its e-invoices
    accounts: list[Account]

    @property
    def key(self) -> str:
        return f"{self.supplier_id}/{self.variant}"

    def account(self, login: str) -> Account | None:
        for a in self.accounts:
            same = a.username == login
            if same or (
                not self.case_sensitive and a.username.lower() == login.lower()
            ):
                return a
        return None


@dataclass(frozen=True)
class Invoice:
    id: str
    number: str
    kind: str  # invoice | credit_note
    issued_on: date
    total: Decimal
    currency: str
    customer: str


def load_specs(path: Path = PORTALS_FILE) -> list[PortalSpec]:
    return [
        PortalSpec.model_validate(p) for p in json.loads(path.read_text())["portals"]
    ]


def spec_for(key: str, specs: list[PortalSpec] | None = None) -> PortalSpec:
    return next(s for s in specs or load_specs() if s.key == key)


def invoices_for(spec: PortalSpec, account: Account) -> list[Invoice]:
    """Deterministic documents, newest first: per_month a month, some credit notes."""
    year, month = (int(x) for x in account.first_month.split("-"))
    prefix = "".join(w[0] for w in spec.name.split()).upper()
    who = _digits(account.username)
    out, n = [], 0
    for i in range(account.months):
        y, m = year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1
        for j in range(account.per_month):
            n += 1
            seq = f"{y}{m:02d}" + (f"{j:02d}" if account.per_month > 1 else "")
            credit = account.credit_every and n % account.credit_every == 0
            number = f"{'CN' if credit else prefix}-{seq}-{who}"
            cents = int(hashlib.sha256(number.encode()).hexdigest()[:6], 16) % 40000
            total = Decimal(cents + 2500) / 100
            out.append(
                Invoice(
                    id=f"{'cn' if credit else 'inv'}-{seq}-{who}",
                    number=number,
                    kind="credit_note" if credit else "invoice",
                    issued_on=date(y, m, 5 + j * 20 // account.per_month),
                    total=-total if credit else total,
                    currency=account.currency,
                    customer=account.customer,
                )
            )
    return sorted(out, key=lambda inv: (inv.issued_on, inv.id), reverse=True)


def _digits(text: str) -> str:
    return str(int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 10000).zfill(4)
