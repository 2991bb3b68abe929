"""Generate the labelled corpus: real PDFs in six layouts, exact and regenerated
copies, and near-misses that must never be merged.

    python -m bench.corpus.generate OUT_DIR     (writes the PDFs and labels.json)

Deterministic: the same seed gives the same corpus, byte for byte."""

import json
import random
import sys
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench.corpus.layouts import LAYOUTS, Doc, render

SUPPLIERS = [  # id, name, VAT id, currency, layouts it uses
    (
        "northwind-energy",
        "Northwind Energy",
        "GB123456789",
        "GBP",
        ["classic", "letter"],
    ),
    ("rainforest", "Rainforest Market", "GB987654321", "GBP", ["table", "modern"]),
    ("cobalt-water", "Cobalt Water", None, "GBP", ["receipt", "classic"]),
    ("hearth-gas", "Hearth Gas", "DE811122233", "EUR", ["german", "table"]),
    (
        "brightline-telecom",
        "Brightline Telecom",
        "DE299887766",
        "EUR",
        ["modern", "german"],
    ),
    ("ledgerly", "Ledgerly", None, "USD", ["letter", "receipt"]),
    ("parcelpoint", "ParcelPoint", "GB555444333", "GBP", ["classic", "table"]),
    (
        "sparkplug-office",
        "Sparkplug Office Supplies",
        "DE123123123",
        "EUR",
        ["german", "modern"],
    ),
]
PREFIX = {"invoice": "INV", "credit_note": "CN", "receipt": "RC", "statement": "ST"}


@dataclass(frozen=True)
class Item:
    """One file as it arrives: from which connection, with what portal id, and the
    truth: its facts, which real document it is (group), and why it is here (role)."""

    file: str
    supplier_id: str
    connection_id: str
    portal_id: str
    layout: str
    group: str  # copies of one document share a group
    role: str  # original, exact_copy, regenerated, near_miss
    truth: dict


def _amount(rng: random.Random) -> Decimal:
    return (Decimal(rng.randint(1500, 250000)) / 100).quantize(Decimal("0.01"))


def originals(rng: random.Random) -> list[tuple[str, Doc, str]]:
    docs = []
    for sid, name, vat, cur, layouts in SUPPLIERS:
        for month in range(1, 13):
            issued = date(2025, month, rng.randint(1, 28))
            total = _amount(rng)
            kind = "receipt" if sid == "cobalt-water" and month % 4 == 0 else "invoice"
            if sid == "rainforest" and month == 6:
                kind = "statement"
            tax = (total / 6).quantize(Decimal("0.01")) if rng.random() < 0.8 else None
            serial = rng.randint(100, 999)
            number = f"{PREFIX[kind]}-{sid[:2].upper()}2025{month:02d}-{serial}"
            doc = Doc(
                supplier=name,
                tax_id=vat,
                kind=kind,
                number=number,
                issued_on=issued,
                due_on=issued + timedelta(days=30) if kind == "invoice" else None,
                currency=cur,
                total=total,
                tax_total=tax,
            )
            docs.append((sid, doc, layouts[month % 2]))
    return docs


def near_misses(rng, docs) -> list[tuple[str, Doc, str, str]]:
    """(supplier, doc, layout, what it nearly matches): each must stay new."""
    out = []
    by_supplier = {}
    for sid, doc, layout in docs:
        by_supplier.setdefault(sid, []).append((doc, layout))
    sids = list(by_supplier)
    for i, sid in enumerate(sids):
        for doc, layout in by_supplier[sid][:4]:
            # Same number, another supplier (and its own total).
            other = sids[(i + 1) % len(sids)]
            o_doc, o_layout = by_supplier[other][0]
            out.append(
                (
                    other,
                    replace(
                        o_doc,
                        number=doc.number,
                        total=_amount(rng),
                        issued_on=doc.issued_on,
                    ),
                    o_layout,
                    "same_number_other_supplier",
                )
            )
            # Same supplier, same total and date, another number.
            out.append(
                (
                    sid,
                    replace(doc, number=doc.number + "9"),
                    layout,
                    "same_total_other_number",
                )
            )
            # The invoice's credit note: same supplier, amount negated.
            if doc.kind == "invoice":
                out.append(
                    (
                        sid,
                        replace(
                            doc,
                            kind="credit_note",
                            number="CN-" + doc.number.split("-", 1)[1],
                            total=-doc.total,
                            tax_total=None,
                            due_on=None,
                        ),
                        layout,
                        "credit_note_of_invoice",
                    )
                )
                # The credit note printed with the invoice's own number and total.
                out.append(
                    (
                        sid,
                        replace(doc, kind="credit_note", tax_total=None, due_on=None),
                        layout,
                        "credit_note_same_number",
                    )
                )
            # Next month's bill with an equal total.
            out.append(
                (
                    sid,
                    replace(
                        doc,
                        number=doc.number[:-3] + f"{rng.randint(100, 999)}",
                        issued_on=doc.issued_on + timedelta(days=31),
                        due_on=None,
                    ),
                    layout,
                    "monthly_equal_total",
                )
            )
    return out


def generate(out: Path, seed: int = 7) -> list[Item]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    items: list[Item] = []
    counter = 0

    def add(sid, doc, layout, group, role, variant=0, conn="c-main", truth=None):
        nonlocal counter
        counter += 1
        name = f"{counter:04d}-{role}.pdf"
        (out / name).write_bytes(render(doc, layout, variant))
        facts = truth or doc
        items.append(
            Item(
                file=name,
                supplier_id=sid,
                connection_id=f"{conn}-{sid}",
                portal_id=f"p{counter}",
                layout=layout,
                group=group,
                role=role,
                truth={
                    k: str(v) if v is not None else None
                    for k, v in asdict(facts).items()
                },
            )
        )
        return name

    docs = originals(rng)
    for n, (sid, doc, layout) in enumerate(docs):
        add(sid, doc, layout, f"g{n}", "original")
    for n, (sid, doc, layout, why) in enumerate(near_misses(rng, docs)):
        add(sid, doc, layout, f"near{n}", f"near_miss:{why}")
    layouts = list(LAYOUTS)
    for n, (sid, doc, layout) in enumerate(docs):
        group = f"g{n}"
        if n % 3 == 0:  # the same bytes again, from a second connection
            add(sid, doc, layout, group, "exact_copy", conn="c-second")
        if n % 2 == 0:  # regenerated: other creation time and font
            add(sid, doc, layout, group, "regenerated", variant=1 + n % 5)
        if n % 5 == 0:  # the same invoice by another route, laid out otherwise
            other = layouts[(layouts.index(layout) + 1 + n) % len(layouts)]
            add(sid, doc, other, group, "regenerated", variant=2, conn="c-email")
        if n % 7 == 0:  # a copy that does not print its number
            add(sid, replace(doc, number=None), layout, group, "regenerated", variant=3)
    (out / "labels.json").write_text(
        json.dumps([asdict(i) for i in items], indent=1) + "\n"
    )
    return items


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    made = generate(target)
    print(f"wrote {len(made)} documents and labels.json to {target}")
