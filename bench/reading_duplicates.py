"""bench.reading's duplicate measure: pairs of one supplier's documents, judged by the
duplicate layer's field keys against their labels."""

import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from agents.dedupe_policy import keys, same_as
from schemas.records import DocumentMetadata


def supplier_of(name: str) -> str:
    """Which supplier a corpus file is from: the FeRD samples share one seller, the
    French ones another; other files are their own (a scan is its original's)."""
    name = name.removesuffix(" (scan)").split("/")[-1]
    if name.startswith("FNFE"):
        return "fnfe"
    if name.startswith(("CII__", "UBL__", "FX__", "intarsys", "v1__", "xml__", "Must")):
        return "ferd"
    if re.fullmatch(r"[a-z]{2}_[a-z]+-\d+\.pdf", name):  # other layouts: one a locale
        return name[:2]
    return name


def same_invoice(a: dict, b: dict) -> bool:
    """Two labels of one invoice: the same number, kind, date and amount."""
    fields = ("number", "document_type", "issue_date")
    if any(a.get(f) != b.get(f) for f in fields) or a.get("number") is None:
        return False
    return abs(Decimal(a["total"])) == abs(Decimal(b["total"]))


def duplicates(read: list) -> tuple[int, int, int, int, list]:
    """(pairs of one invoice, of them caught, pairs of two invoices, merged, the
    missed pairs' names): over every pair of documents (name, truth, facts) of one
    supplier, whether the duplicate layer's field match (strong key, else the weak
    one where a number is missing) takes the second for a copy of the first."""
    keyed = []
    for n, (name, truth, facts) in enumerate(read):
        supplier = supplier_of(name)
        meta = DocumentMetadata(issued_on=date(1900, 1, 1) + timedelta(days=n))
        keyed.append((name, supplier, truth, keys(supplier, facts, meta)))
    same = caught = other = merged = 0
    missed = []
    for i, (name_a, sup_a, truth_a, key_a) in enumerate(keyed):
        for name_b, sup_b, truth_b, key_b in keyed[i + 1 :]:
            if sup_a != sup_b:
                continue
            original = SimpleNamespace(
                document_id=name_a,
                sha256=name_a,
                strong_key=key_a.strong,
                weak_key=key_a.weak,
                has_number=key_a.has_number,
            )
            match = same_as(key_b, name_b, [original])[1] is not None
            if same_invoice(truth_a, truth_b):
                same, caught = same + 1, caught + match
                if not match:
                    missed.append((name_a, name_b))
            else:
                other, merged = other + 1, merged + match
    return same, caught, other, merged, missed
