"""bench.reading's duplicate measure: pairs of one supplier's documents, judged by the
duplicate layer's field keys against their labels."""

import re
from datetime import date, timedelta
from decimal import Decimal

from agents.dedupe_policy import keys
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


def duplicates(read: list) -> tuple[int, int, int, int]:
    """(pairs of one invoice, of them caught, pairs of two invoices, merged): over
    every pair of documents of one supplier, the duplicate layer's field keys."""
    keyed = []
    for n, (supplier, truth, facts) in enumerate(read):
        meta = DocumentMetadata(issued_on=date(1900, 1, 1) + timedelta(days=n))
        keyed.append((supplier, truth, keys(supplier, facts, meta)))
    same = caught = other = merged = 0
    for i, (sup_a, truth_a, key_a) in enumerate(keyed):
        for sup_b, truth_b, key_b in keyed[i + 1 :]:
            if sup_a != sup_b:
                continue
            match = key_a.strong is not None and key_a.strong == key_b.strong
            if same_invoice(truth_a, truth_b):
                same, caught = same + 1, caught + match
            else:
                other, merged = other + 1, merged + match
    return same, caught, other, merged
