"""Dedupe's decisions (pure): the field keys of a document and the verdict per mode.

Layers, per tenant: the portal's id per connection (the same document fetched again),
the sha256 of the bytes (an exact copy), then the normalised fields (a regenerated
copy, or the same invoice from two connections)."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from schemas.records import DedupeMode, DocumentFacts, DocumentMetadata, Verdict

SURE = 0.7  # below this a fact read from the file yields to the portal's list


@dataclass(frozen=True)
class Keys:
    strong: str | None  # supplier, kind, number, total, currency, date
    weak: str | None  # the same without the number: for a copy that lacks one
    has_number: bool


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    duplicate_of: str | None
    post: bool  # False: dropped (an exact duplicate in automatic mode)


def _fact(reading, fallback):
    if reading.value is not None and reading.confidence >= SURE:
        return reading.value
    return fallback


def normal_number(number: str | None) -> str | None:
    """INV-2025/001, inv 2025 001 and INV2025001 are one number."""
    if not number:
        return None
    return re.sub(r"[^0-9A-Z]", "", number.upper()) or None


def normal_total(total) -> str | None:
    """Unsigned: a credit note's XML states 48.59 where its PDF prints -48.59, and
    the kind, also in the key, keeps it apart from an invoice of 48.59."""
    try:
        return (
            str(abs(Decimal(str(total))).quantize(Decimal("0.01"))) if total else None
        )
    except InvalidOperation:
        return None


def keys(supplier_id: str, facts: DocumentFacts, meta: DocumentMetadata) -> Keys:
    kind = _fact(facts.document_type, meta.kind.value)
    number = normal_number(_fact(facts.number, meta.number))
    total = normal_total(_fact(facts.total, meta.total))
    currency = _fact(facts.currency, meta.currency)
    issued = _fact(facts.issue_date, meta.issued_on.isoformat())
    if total is None or currency is None:
        return Keys(None, None, number is not None)
    # The kind is in every key: a credit note never duplicates its invoice.
    weak = "|".join([supplier_id, kind, total, currency.upper(), issued])
    strong = f"{weak}|{number}" if number else None
    return Keys(strong, weak, number is not None)


def same_as(keys_: Keys, sha256: str, originals: list) -> tuple[str | None, str | None]:
    """(same bytes, same fields): the first original (oldest first, each with
    sha256, strong_key, weak_key and has_number) each layer matches."""

    def first(matches) -> str | None:
        return next((o.document_id for o in originals if matches(o)), None)

    same_bytes = first(lambda o: o.sha256 == sha256)
    same_fields = None
    if keys_.strong is not None:
        same_fields = first(lambda o: o.strong_key == keys_.strong)
    if same_fields is None and keys_.weak is not None:
        # A copy without its number matches on the rest; two numbers never do.
        same_fields = first(
            lambda o: (
                o.weak_key == keys_.weak and not (keys_.has_number and o.has_number)
            )
        )
    return same_bytes, same_fields


def judge(
    mode: DedupeMode,
    same_bytes: str | None,
    same_fields: str | None,
    other_format: bool = False,
) -> Judgement:
    """same_bytes / same_fields: the original document matched by that layer;
    other_format: the field match is that document in another format (an XML and
    a PDF) from the same connection."""
    if mode is DedupeMode.OFF:
        return Judgement(Verdict.NEW, None, True)
    if same_bytes is not None:
        # Exact copies are dropped automatically; in review a person sees them.
        return Judgement(Verdict.DUPLICATE, same_bytes, mode is DedupeMode.REVIEW)
    if same_fields is not None and other_format:  # one invoice, one inbox item
        return Judgement(Verdict.SAME_INVOICE, same_fields, True)
    if same_fields is not None:  # never dropped: flagged for a person to decide
        return Judgement(Verdict.SUSPECTED_DUPLICATE, same_fields, True)
    return Judgement(Verdict.NEW, None, True)


def file_format(facts: DocumentFacts | None) -> str:
    """xml for an e-invoice file of its own; pdf (or image) for anything else."""
    e_invoice = facts.e_invoice if facts is not None else None
    return "xml" if e_invoice is not None and not e_invoice.embedded else "page"
