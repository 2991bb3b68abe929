"""The amounts of a page: the grand total, the tax total (or its lines by rate),
the net amounts that prove them, and the currency."""

import re
from collections import Counter
from decimal import Decimal

from adapters.documents import labels as L
from adapters.documents.finding import (
    Found,
    an_amount,
    best,
    labelled,
    largest,
    reading,
    smallest,
)
from adapters.documents.layout import Grid
from adapters.documents.values import amounts_at
from schemas.records import Reading

SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "₹": "INR"}


CURRENCIES = {
    "GBP", "EUR", "USD", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK", "INR", "HUF",
    "RON", "AUD", "CAD", "JPY",
}  # fmt: skip


NET = L.rx(
    r"sub\s*-?total|\bnet(?:to)?\b|nettobetrag|\bht\b|excl|exkl|ohne|subtotaal|"
    r"imponible|imponibile"
)


def total(grid: Grid) -> tuple[Decimal | None, float, int | None]:
    found = labelled(grid, L.TOTAL, an_amount(largest), skip=L.NOT_TOTAL)
    value, confidence = best(found, prefer_last=True)
    if value is None:  # no total printed: what is due stands for it, less surely
        balance = labelled(grid, [(L.BALANCE, 0.8)], an_amount(largest))
        value, confidence = best(balance, prefer_last=True)
    row = next((f.row for f in reversed(found) if f.value == value), None)
    return value, confidence, row


def tax(grid: Grid) -> tuple[Decimal | None, float, list[Decimal]]:
    """The tax total, and the tax lines it may be the sum of (one per rate)."""
    found = labelled(grid, L.TAX, an_amount(smallest), skip=L.NOT_TAX)
    if not found:  # a tax table: the column headed by a tax label
        for cell in grid.cells():
            if amounts_at(cell.text) and L.TAX[0][0].search(grid.header_above(cell)):
                value = amounts_at(cell.text)[0][1]
                found.append(Found(value, 0.85, 0, cell.row))
    value, confidence = best(found, prefer_last=True)
    top = min((f.rank for f in found), default=0)
    by_row = {f.row: f.value for f in found if f.rank == top}  # one line per rate
    return value, confidence, list(by_row.values())


def tax_column(grid: Grid) -> Found | None:
    """A table of tax by rate, headed by a tax label alone in its cell: the sum of
    the amounts in that column."""
    for cell in grid.cells():
        head = cell.text.strip()
        if len(head) > 24 or not any(p.search(head) for p, _ in L.TAX):
            continue
        if L.NOT_TAX.search(head) or amounts_at(head):
            continue
        values = []
        for under in grid.column_below(cell):  # down to the first cell that is no
            found = amounts_at(under.text)  # amount: the table ends there
            if not found:
                break
            values.append(found[-1][1])
        if values:
            return Found(sum(values, Decimal(0)), 0.85, 0, cell.row)
    return None


def net_amounts(grid: Grid) -> set[Decimal]:
    return {f.value for f in labelled(grid, [(NET, 0.8)], an_amount(smallest))}


def balanced(total_: Decimal | None, tax_: Decimal | None, nets: set[Decimal]) -> bool:
    """The page adds up: a net amount plus the tax is the total."""
    if total_ is None or tax_ is None:
        return False
    return any(abs(net + tax_ - total_) < Decimal("0.015") for net in nets)


def currency(grid: Grid, total_row: int | None, region: str | None) -> Reading:
    text = "\n".join(grid.lines)
    labelled_ = re.search(
        r"(?:currency|währung|devise|valuta|moneda)\s*:?\s*([A-Z]{3})\b", text, re.I
    )
    if labelled_ and labelled_.group(1).upper() in CURRENCIES:
        return reading(labelled_.group(1).upper(), 0.95)
    total_line = grid.lines[total_row] if total_row is not None else ""
    for source, confidence in ((total_line, 0.95), (text, 0.85)):
        codes = [c for c in re.findall(r"\b[A-Z]{3}\b", source) if c in CURRENCIES]
        symbols = [SYMBOLS[c] for c in source if c in SYMBOLS]
        symbols += ["INR"] * len(re.findall(r"\bRs\.?\s?\d", source))
        found = Counter(codes + symbols).most_common(1)
        if found:
            code = found[0][0]
            if code == "USD" and not codes and (region or "US") != "US":
                confidence = min(confidence, 0.7)  # a bare $ outside the US
            return reading(code, confidence)
    return Reading()
