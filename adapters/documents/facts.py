"""Read a document's facts from its text: labelled values first (high confidence),
then weaker cues (lower confidence). Pure: text in, DocumentFacts out."""

import re
from collections import Counter
from decimal import Decimal

from adapters.documents.values import find_amounts, find_dates
from schemas.records import DocumentFacts, Reading

KINDS = [  # most specific first: a credit note may mention its invoice
    ("credit_note", r"credit\s*note|gutschrift"),
    ("receipt", r"receipt|quittung"),
    ("statement", r"statement|kontoauszug"),
    ("invoice", r"invoice|rechnung|bill\b"),
]
DOC_WORD = (
    r"(?:invoice|credit\s*note|receipt|statement|document|rechnung|gutschrift|"
    r"quittung|kontoauszug)"
)
NUMBER = r"([A-Z0-9][A-Z0-9\-/.]*\d[A-Z0-9\-/]*|[A-Z0-9]*\d[A-Z0-9\-/.]*[A-Z0-9])"
NUMBER_RULES = [  # (pattern, confidence)
    (rf"{DOC_WORD}\s*(?:number|no\.?|nr\.?|#)\s*:?\s*{NUMBER}", 0.95),
    (rf"^\s*(?:number|ref(?:erence)?)\s*:?\s*{NUMBER}", 0.8),
    (rf"\b{DOC_WORD}\s+{NUMBER}", 0.75),
]
ISSUE_LABELS = (
    r"(?:(?:invoice|credit\s*note|receipt|statement|issue)\s*date|"
    r"(?:rechnungs|gutschrifts|quittungs)datum|datum|date|issued|ausgestellt\s+am)"
)
DUE_LABELS = r"(?:due\s*date|payment\s*due|pay\s*by|due|zahlbar\s*bis|fällig\s*am)"
TOTAL_RULES = [
    (
        r"grand\s*total|total\s*due|amount\s*due|balance\s*due|gesamtbetrag|endbetrag",
        0.95,
    ),
    (r"(?<!sub)(?<!sub\s)\btotal\b(?!\s*(?:tax|vat))", 0.85),
]
TAX_RULES = [
    (
        r"\b(?:vat|mwst\.?|ust\.?|sales\s*tax)(?![a-z])\s*(?:\d+\s*%)?\s*:?(?!\s*(?:no|id|number|reg))",
        0.9,
    ),
    (r"tax\s*(?:amount|total)|\btax\s*:|includes\s+tax\s+of", 0.9),
]
TAX_ID = (
    r"(?:vat\s*registration\s*number|vat\s*(?:no\.?|id|number)|tax\s*(?:id|number)|"
    r"ust-?idnr\.?|company\s*tax\s*number|supplier\s*vat\s*id)\s*:?\s*"
    r"([A-Z]{2}\s?[A-Z0-9]{8,12})"
)
SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD"}
CURRENCIES = {"GBP", "EUR", "USD", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK"}


def reading(value, confidence: float) -> Reading:
    if value is None:
        return Reading()
    return Reading(value=str(value), confidence=confidence)


def _first(rules, lines, pick):
    """The first line matching the strongest rule, and what pick() takes from it."""
    for pattern, confidence in rules:
        rx = re.compile(pattern, re.I | re.M)
        for line in lines:
            if (m := rx.search(line)) and (value := pick(line, m)) is not None:
                return value, confidence
    return None, 0.0


def document_type(text: str) -> Reading:
    head = text[:400]  # the title, not a mention further down
    for kind, pattern in KINDS:
        if re.search(pattern, head, re.I):
            return reading(kind, 0.95)
    for kind, pattern in KINDS:
        if re.search(pattern, text, re.I):
            return reading(kind, 0.6)
    return reading("invoice", 0.3)


def number(lines: list[str]) -> Reading:
    def pick(_, m):
        value = m.group(1).rstrip(".-/")
        return value if any(c.isdigit() for c in value) else None

    return reading(*_first(NUMBER_RULES, lines, pick))


def labelled_date(lines: list[str], labels: str, avoid: str | None = None):
    rx = re.compile(labels, re.I)
    for line in lines:
        m = rx.search(line)
        if m is None or (avoid and re.search(avoid, line, re.I)):
            continue
        after = [d for pos, d in find_dates(line) if pos >= m.start()]
        if after:
            return after[0]
    return None


def amount_after(line: str, m: re.Match) -> Decimal | None:
    amounts = find_amounts(line[m.end() :])
    return amounts[0] if amounts else None


def currency(text: str, total_line: str | None) -> Reading:
    if m := re.search(r"currency\s*:?\s*([A-Z]{3})\b", text, re.I):
        return reading(m.group(1).upper(), 0.95)
    for source, confidence in ((total_line or "", 0.95), (text, 0.75)):
        codes = [c for c in re.findall(r"\b[A-Z]{3}\b", source) if c in CURRENCIES]
        symbols = [SYMBOLS[c] for c in source if c in SYMBOLS]
        found = Counter(codes + symbols).most_common(1)
        if found:
            return reading(found[0][0], confidence)
    return Reading()


def read_facts(text: str, known_suppliers: list[str] = ()) -> DocumentFacts:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return DocumentFacts()
    total, total_conf = _first(TOTAL_RULES, lines, amount_after)
    total_line = next(
        (
            line
            for line in lines
            if total is not None
            and f"{abs(total):,.2f}" in line
            or total is not None
            and f"{abs(total):.2f}".replace(".", ",") in line
        ),
        None,
    )
    tax, tax_conf = _first(TAX_RULES, lines, amount_after)
    issued = labelled_date(lines, ISSUE_LABELS, avoid=DUE_LABELS)
    due = labelled_date(lines, DUE_LABELS)
    issue_conf = 0.9
    if issued is None:  # the first date that is not the due date
        dates = [d for line in lines for _, d in find_dates(line) if d != due]
        issued, issue_conf = (dates[0], 0.6) if dates else (None, 0.0)
    tax_id = re.search(TAX_ID, text, re.I)
    supplier = next(
        (name for name in known_suppliers if name.lower() in text.lower()), None
    )
    return DocumentFacts(
        supplier=reading(supplier, 0.95) if supplier else reading(lines[0], 0.5),
        document_type=document_type(text),
        number=number(lines),
        issue_date=reading(issued.isoformat() if issued else None, issue_conf),
        due_date=reading(due.isoformat() if due else None, 0.85),
        currency=currency(text, total_line),
        total=reading(total, total_conf),
        tax_total=reading(tax, tax_conf),
        supplier_tax_id=reading(
            tax_id.group(1).replace(" ", "").upper() if tax_id else None, 0.95
        ),
    )
