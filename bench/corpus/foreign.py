"""Invoices in other generators' layouts, in six languages: HTML set out the way
common invoicing software sets it out (labels over values, meta blocks, tax tables by
rate, totals boxes with payments and a balance, long item lists running to a second
page), printed to PDF by Chromium, whose PDFs differ from this project's fpdf2 ones.

    python -m bench.corpus.foreign        (rewrites bench/corpus/foreign/)

The PDFs are committed, so the benchmark needs no browser; this script is how they
were made. Deterministic labels; the PDFs differ only in their creation date."""

import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from jinja2 import Environment
from stdnum.eu import vat as eu_vat

from bench.corpus.foreign_templates import TEMPLATES, WORDS

OUT = Path(__file__).parent / "foreign"
CENT = Decimal("0.01")


@dataclass
class Supplier:
    name: str
    vat: str
    lang: str
    region: str
    currency: str
    rates: list[int]
    templates: list[str]


@dataclass
class Line:
    text: str
    qty: int
    price: Decimal
    rate: int

    @property
    def net(self) -> Decimal:
        return (self.price * self.qty).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Invoice:
    kind: str  # invoice, credit_note, receipt
    number: str
    issued: date
    due: date | None
    lines: list[Line]
    paid: Decimal = Decimal(0)
    customer_vat: str | None = None
    taxes: dict = field(default_factory=dict)

    def totals(self) -> tuple[Decimal, Decimal, Decimal]:
        net = sum((ln.net for ln in self.lines), Decimal(0))
        by_rate: dict[int, Decimal] = {}
        for ln in self.lines:
            by_rate[ln.rate] = by_rate.get(ln.rate, Decimal(0)) + ln.net
        self.taxes = {
            r: (base, (base * r / 100).quantize(CENT, ROUND_HALF_UP))
            for r, base in sorted(by_rate.items())
        }
        tax = sum((t for _, t in self.taxes.values()), Decimal(0))
        return net, tax, net + tax


def valid_vat(prefix: str, body: str) -> str:
    """A VAT number with a right check digit, so the reader may trust it."""
    if prefix == "FR":  # two check digits before the SIREN
        key = (12 + 3 * (int(body) % 97)) % 97
        return f"FR{key:02d}{body}"
    for last in range(10):
        for tail in (str(last), f"{last}B01"):
            candidate = prefix + body + tail
            if eu_vat.is_valid(candidate):
                return candidate
    raise ValueError(prefix + body)


SUPPLIERS = [
    Supplier("Thameslink Office Ltd", "GB" + "980780684", "en", "GB", "GBP", [20, 5], ["en_box", "en_letter"]),
    Supplier("Prairie Cloud Inc.", "", "us", "US", "USD", [8], ["us_simple", "us_stripe"]),
    Supplier("Rheinland Druck GmbH", valid_vat("DE", "81287181"), "de", "DE", "EUR", [19, 7], ["de_din", "de_modern"]),
    Supplier("Alpenblick Treuhand AG", "CHE-116.281.710 MWST", "ch", "CH", "CHF", [8], ["ch_qr"]),
    Supplier("Atelier Lumière SARL", valid_vat("FR", "404048334"), "fr", "FR", "EUR", [20, 5], ["fr_classic", "fr_saas"]),
    Supplier("Polderlicht B.V.", valid_vat("NL", "81043394"), "nl", "NL", "EUR", [21, 9], ["nl_factuur", "nl_modern"]),
    Supplier("Soluciones Ibéricas S.L.", "ESB" + "6543210" + "8", "es", "ES", "EUR", [21, 10], ["es_factura", "es_holded"]),
    Supplier("Ferrari Forniture S.r.l.", valid_vat("IT", "0743103017"), "it", "IT", "EUR", [22, 10], ["it_fattura", "it_cloud"]),
]  # fmt: skip
ITEMS = {
    "en": ["Printer paper A4", "Desk lamp", "Toner cartridge", "Support hours", "Delivery"],
    "us": ["Compute hours", "Storage (GB-month)", "Support plan", "Data transfer", "Seats"],
    "de": ["Visitenkarten", "Flyer A5", "Satzarbeiten", "Versand", "Plakate A1"],
    "ch": ["Buchhaltung", "Lohnabrechnung", "Steuererklärung", "Beratung", "Spesen"],
    "fr": ["Abonnement mensuel", "Prestation de conseil", "Frais de port", "Licence", "Formation"],
    "nl": ["Energiebeheer", "Onderhoud", "Installatie", "Voorrijkosten", "Materiaal"],
    "es": ["Consultoría", "Mantenimiento web", "Hosting anual", "Diseño gráfico", "Desplazamiento"],
    "it": ["Sedia ergonomica", "Scrivania", "Montaggio", "Trasporto", "Lampada"],
}  # fmt: skip


def invoices(supplier: Supplier, rng: random.Random) -> list[Invoice]:
    out = []
    for n in range(6):
        issued = date(2025, 1 + n * 2, rng.randint(1, 28))
        count = 45 if n == 3 else rng.randint(2, 6)  # one runs to a second page
        lines = [
            Line(
                f"{rng.choice(ITEMS[supplier.lang])} {i + 1}",
                rng.randint(1, 12),
                Decimal(rng.randint(250, 190000)) / 100,
                rng.choice(supplier.rates),
            )
            for i in range(count)
        ]
        kind = (
            "credit_note"
            if n == 4
            else "receipt"
            if n == 5 and supplier.lang == "us"
            else "invoice"
        )
        prefix = {"invoice": "INV", "credit_note": "CN", "receipt": "RC"}[kind]
        inv = Invoice(
            kind=kind,
            number=f"{prefix}-{supplier.lang.upper()}{issued:%y%m}-{rng.randint(100, 9999)}",
            issued=issued,
            due=issued + timedelta(days=30) if kind == "invoice" else None,
            lines=lines,
            customer_vat=valid_vat("DE", f"{rng.randint(10000000, 99999999)}")
            if supplier.lang in ("de", "fr", "nl", "it", "es")
            else None,
        )
        _, _, total = inv.totals()
        if n == 2:  # part paid: the balance due differs from the total
            inv.paid = (total / 2).quantize(CENT)
        out.append(inv)
    return out


def render(env, supplier: Supplier, template: str, inv: Invoice) -> str:
    net, tax, total = inv.totals()
    sign = -1 if inv.kind == "credit_note" else 1
    return env.from_string(TEMPLATES[template]).render(
        s=supplier,
        inv=inv,
        w=WORDS[supplier.lang],
        net=net * sign,
        tax=tax * sign,
        total=total * sign,
        taxes={r: (b * sign, t * sign) for r, (b, t) in inv.taxes.items()},
        balance=(total - inv.paid) * sign,
        sign=sign,
    )


def truth(supplier: Supplier, inv: Invoice) -> dict:
    _, tax, total = inv.totals()
    sign = -1 if inv.kind == "credit_note" else 1
    vat = (supplier.vat.split() or [""])[0].replace("-", "").replace(".", "")
    return {
        "number": inv.number,
        "issue_date": inv.issued.isoformat(),
        "due_date": inv.due.isoformat() if inv.due else None,
        "total": str(total * sign),
        "tax_total": str(tax * sign),
        "currency": supplier.currency,
        "supplier_tax_id": vat
        if vat.startswith(("GB", "DE", "FR", "NL", "ES", "IT"))
        else None,
        "document_type": inv.kind,
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    from bench.corpus.foreign_templates import filters

    env = Environment(autoescape=True)
    env.filters.update(filters())
    rng = random.Random(14)
    OUT.mkdir(exist_ok=True)
    labels = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        for supplier in SUPPLIERS:
            for n, inv in enumerate(invoices(supplier, rng)):
                template = supplier.templates[n % len(supplier.templates)]
                page.set_content(render(env, supplier, template, inv))
                name = f"{template}-{n}.pdf"
                page.pdf(path=str(OUT / name), format="A4", print_background=True)
                labels.append(
                    {
                        "file": name,
                        "part": "foreign",
                        "language": supplier.lang,
                        "region": supplier.region,
                        "pages": None,
                        "truth": truth(supplier, inv),
                    }
                )
        browser.close()
    (OUT / "labels.json").write_text(
        json.dumps(labels, indent=1, ensure_ascii=False) + "\n"
    )
    print(f"wrote {len(labels)} invoices and labels.json to {OUT}")


if __name__ == "__main__":
    main()


__all__ = ["Invoice", "Line", "Supplier", "asdict"]
