"""Dates and amounts as suppliers print them, in English and German, read strictly."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan", "januar", "jän"),
            ("february", "feb", "februar"),
            ("march", "mar", "märz", "maerz", "mär"),
            ("april", "apr"),
            ("may", "mai"),
            ("june", "jun", "juni"),
            ("july", "jul", "juli"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct", "oktober", "okt"),
            ("november", "nov"),
            ("december", "dec", "dezember", "dez"),
        ]
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_PATTERNS = [
    # 2025-03-05
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    # 05.03.2025, 05/03/2025 (day first: the suppliers we read are UK and EU)
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"), ("d", "m", "y")),
    # 5 March 2025, 05 Mar 2025, 5. März 2025
    (
        re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?\s+(\d{{4}})\b", re.I),
        ("d", "M", "y"),
    ),
    # March 5, 2025
    (
        re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I),
        ("M", "d", "y"),
    ),
]
AMOUNT = re.compile(
    r"(?P<neg>[-−(])?\s*(?:[£€$]|\b[A-Z]{3}\b)?\s*(?P<neg2>[-−])?\s*"
    r"(?<![\d.,])(?P<num>\d{1,3}(?:[.,\u00a0]\d{3})+(?:[.,]\d{2})|\d+[.,]\d{2})(?!\d)"
)


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every date in the text with where it starts, in reading order."""
    found = []
    for pattern, order in DATE_PATTERNS:
        for m in pattern.finditer(text):
            parts = dict(zip(order, m.groups(), strict=True))
            month = MONTHS.get(parts["M"].lower()) if "M" in parts else int(parts["m"])
            try:
                found.append((m.start(), date(int(parts["y"]), month, int(parts["d"]))))
            except (TypeError, ValueError):
                continue  # 31.02.2025 is not a date
    return sorted(found)


def to_amount(num: str, negative: bool = False) -> Decimal | None:
    """1,234.56 and 1.234,56: the last separator before two digits is the decimal
    one."""
    digits = num.replace("\u00a0", "")
    if len(digits) > 3 and digits[-3] in ",.":
        whole, cents = digits[:-3], digits[-2:]
        whole = whole.replace(",", "").replace(".", "")
        digits = f"{whole}.{cents}"
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if negative else value


def find_amounts(text: str) -> list[Decimal]:
    out = []
    for m in AMOUNT.finditer(text):
        value = to_amount(m.group("num"), bool(m.group("neg") or m.group("neg2")))
        if value is not None:
            out.append(value)
    return out
