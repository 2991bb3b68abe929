"""Dates and amounts as suppliers print them, in English, German, French, Dutch,
Spanish and Italian, read strictly: a number that is not clearly a date or an amount
is neither."""

import re
from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            (
                "january",
                "jan",
                "januar",
                "jän",
                "janvier",
                "janv",
                "januari",
                "enero",
                "ene",
                "gennaio",
                "genn",
                "gen",
            ),
            (
                "february",
                "feb",
                "februar",
                "février",
                "fevrier",
                "févr",
                "fevr",
                "februari",
                "febrero",
                "febbraio",
                "febb",
            ),
            ("march", "mar", "märz", "maerz", "mär", "mars", "maart", "mrt", "marzo"),
            ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
            ("may", "mai", "mei", "mayo", "maggio", "magg", "mag"),
            ("june", "jun", "juni", "juin", "junio", "giugno", "giu"),
            ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug"),
            ("august", "aug", "août", "aout", "augustus", "agosto", "ago"),
            (
                "september",
                "sep",
                "sept",
                "septembre",
                "septiembre",
                "settembre",
                "sett",
                "set",
            ),
            (
                "october",
                "oct",
                "oktober",
                "okt",
                "octobre",
                "octubre",
                "ottobre",
                "ott",
            ),
            ("november", "nov", "novembre", "noviembre"),
            (
                "december",
                "dec",
                "dezember",
                "dez",
                "décembre",
                "decembre",
                "diciembre",
                "dic",
                "dicembre",
            ),
        ]
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# Regions that write the month first: 03/04/2025 is 4 March in the UK, 3 April here.
MONTH_FIRST = {"US", "PH", "CA-US"}
_ORD = r"(?:st|nd|rd|th|er|e|º|°)?"
DATE_PATTERNS = [
    # 2025-03-05, 2025/03/05
    (re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"), ("y", "m", "d")),
    # 05.03.2025, 05/03/2025, 5-3-2025 (day or month first: by the region)
    (re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b"), ("a", "b", "y")),
    # 05.03.25 (two-digit years: dots only, where they are common and unambiguous)
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{2})\b(?![.,]?\d)"), ("a", "b", "yy")),
    # 5 March 2025, 5. März 2025, 14th March 2025, 4 de marzo de 2025, 02 Juillet 2015
    (
        re.compile(
            rf"\b(\d{{1,2}}){_ORD}\.?\s*(?:de\s+)?({_MONTH})\.?,?\s+(?:de\s+)?(\d{{4}})\b",
            re.I,
        ),
        ("d", "M", "y"),
    ),
    # March 5, 2025; August 3 , 2014
    (
        re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}){_ORD}\s*,?\s+(\d{{4}})\b", re.I),
        ("M", "d", "y"),
    ),
]
# 1,234.56 1.234,56 1'234.56 1’234.56 1234.56 1234,56, and 1 234,56 (a space for
# thousands only before a decimal comma: "1 278.61" is a quantity and a price). Two
# decimals: an amount, never a quantity, a year or a percentage.
_NUM = (
    r"\d{1,3}(?:[.,'’]\d{3})+[.,]\d{2}"
    r"|\d{1,3}(?:[\u00a0\u202f ]\d{3})+,\d{2}"
    r"|\d+[.,]\d{2}"
)
AMOUNT = re.compile(
    r"(?P<neg>[-−(])?\s*(?:[£€$₹]|\b[A-Z]{3}\b|Rs\.?)?\s*(?P<neg2>[-−])?\s*"
    rf"(?<![\d.,])(?P<num>{_NUM})"
    r"(?![\d%])(?!\s?%)(?:\s?(?:[£€$₹]|[A-Z]{3}\b))?(?P<neg3>-(?!\d))?"
)


def writes_month_first(text: str, region: str | None = None) -> bool:
    """Whether this document writes numeric dates month first: told by its own dates
    where one cannot be read the other way (11/17/2017), else by the region."""
    votes = Counter()
    for m in DATE_PATTERNS[1][0].finditer(text):
        first, second = int(m.group(1)), int(m.group(2))
        if first > 12 >= second:
            votes["day"] += 1
        elif second > 12 >= first:
            votes["month"] += 1
    if votes["day"] != votes["month"]:
        return votes["month"] > votes["day"]
    return (region or "").upper() in MONTH_FIRST


# Rs 1939, € 12, $5: whole amounts, only right after a currency sign.
WHOLE_AMOUNT = re.compile(
    r"(?:[£€$₹]|\bRs\.?|\bINR)\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?![\d.,]*\d)"
)


def find_dates(text: str, month_first: bool = False) -> list[tuple[int, date]]:
    """Every date in the text with where it starts, in reading order; month_first:
    how the document writes numeric dates (writes_month_first)."""
    found, taken = [], []
    for pattern, order in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue  # part of a date already read (05.03.2025 holds 05.03.20)
            parts = dict(zip(order, m.groups(), strict=True))
            if "a" in parts:  # numeric day and month: month_first says which is which
                first, second = int(parts.pop("a")), int(parts.pop("b"))
                day, month = (second, first) if month_first else (first, second)
            else:
                day = int(parts["d"])
                month = (
                    MONTHS.get(parts["M"].lower()) if "M" in parts else int(parts["m"])
                )
            year = int(parts["y"]) if "y" in parts else 2000 + int(parts["yy"])
            try:
                found.append((m.start(), date(year, month, day)))
            except (TypeError, ValueError):
                continue  # 31.02.2025 is not a date
            taken.append((m.start(), m.end()))
    return sorted(found)


def to_amount(num: str, negative: bool = False) -> Decimal | None:
    """1,234.56, 1.234,56, 1 234,56 and 1'234.56: the separator before the last two
    digits is the decimal one; every other is for thousands."""
    digits = re.sub(r"[\u00a0\u202f '’]", "", num)
    if len(digits) > 3 and digits[-3] in ",.":
        whole, cents = digits[:-3], digits[-2:]
        digits = f"{whole.replace(',', '').replace('.', '')}.{cents}"
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return -value if negative else value


def find_amounts(text: str) -> list[Decimal]:
    return [value for _, value in amounts_at(text)]


def amounts_at(text: str) -> list[tuple[int, Decimal]]:
    """Every amount in the text with where it starts."""
    dates = [(m.start(), m.end()) for p, _ in DATE_PATTERNS for m in p.finditer(text)]

    def in_date(m: re.Match) -> bool:  # 03.10.2018 holds 03.10, which is no amount
        return any(a <= m.start("num") < b for a, b in dates)

    out = [
        (m.start("num"), Decimal(m.group("num").replace(",", "")))
        for m in WHOLE_AMOUNT.finditer(text)
        if not in_date(m)
    ]
    for m in AMOUNT.finditer(text):
        if in_date(m):
            continue
        negative = bool(m.group("neg") or m.group("neg2") or m.group("neg3"))
        value = to_amount(m.group("num"), negative)
        if value is not None:
            out.append((m.start("num"), value))
    return sorted(out)
