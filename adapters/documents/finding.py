"""Finding a fact on a page: a label's value beside it, to its right or under it,
the surest rule's reading, and what a number, a date or an amount looks like."""

import re
from dataclasses import dataclass

from stdnum.eu import vat as eu_vat

from adapters.documents import labels as L
from adapters.documents.layout import Cell, Grid
from adapters.documents.values import amounts_at, find_dates
from schemas.records import Reading

# The countries whose VAT numbers are two letters and digits (Greece writes EL).
VAT_PREFIXES = {c.upper() for c in eu_vat.MEMBER_STATES} | {"EL", "GB", "NO"}


@dataclass(frozen=True)
class Found:
    value: object
    confidence: float
    rank: int  # which rule found it: 0 is the surest
    row: int


def reading(value, confidence: float) -> Reading:
    if value is None:
        return Reading()
    return Reading(value=str(value), confidence=round(confidence, 2))


def beside(grid: Grid, cell: Cell, start: int, parse, below: bool = True):
    """The value after a label: in the rest of its cell, in the cells to its right,
    then under it; with how far it had to look (0 same cell, 1 right, 2 below)."""
    rest = cell.text[start:]
    if (value := parse(rest, grid, cell)) is not None:
        return value, 0
    for right in grid.right_of(cell)[:2]:
        if (value := parse(right.text, grid, right)) is not None:
            return value, 1
    if below:
        unders = grid.below(cell)[:2]
        if unders and L.OTHER_HEAD.search(unders[0].text):
            unders = unders[:1]  # a table's head row: the line under it is not ours
        for under in unders:
            if (value := parse(under.text, grid, under)) is not None:
                return value, 2
        if len(unders) == 2:  # a value wrapped in its box: "3rd February / 2025"
            joined = Cell(
                unders[0].row,
                unders[0].start,
                unders[0].end,
                f"{unders[0].text} {unders[1].text}",
            )
            if (value := parse(joined.text, grid, unders[0])) is not None:
                return value, 2
    return None, None


def labelled(grid: Grid, rules, parse, skip=None, below=True) -> list[Found]:
    found = []
    for cell in grid.cells():
        # "Brutto (inkl. USt.)": the tax word says the tax is in; it labels nothing.
        text = L.TAX_INCLUDED.sub(" ", cell.text)
        if skip is not None and skip.search(text):
            continue
        for rank, (pattern, confidence) in enumerate(rules):
            m = pattern.search(text)
            if m is None:
                continue
            value, distance = beside(
                grid, Cell(cell.row, cell.start, cell.end, text), m.end(), parse, below
            )
            if value is None:
                break
            confidence -= 0.05 * distance
            if _in_prose(text[: m.start()]):  # "please quote document number 4711"
                confidence, rank = min(confidence, 0.75), rank + len(rules)
            found.append(Found(value, confidence, rank, cell.row))
            break
    return found


def _in_prose(before: str) -> bool:
    """A label deep in a sentence refers to a value; it does not label one."""
    return len(re.findall(r"\b[^\W\d_]{2,}\b", before)) >= 5


def on_lines(grid: Grid, rules, parse) -> list[Found]:
    """Labels that run across cells (Rechnung (380)  05.03.2018  Nr. 471102): the
    value is what follows the label on its line."""
    found = []
    for row, line in enumerate(grid.lines):
        for rank, (pattern, confidence) in enumerate(rules):
            if (m := pattern.search(line)) and (
                v := parse(line[m.end() :])
            ) is not None:
                found.append(Found(v, confidence, rank, row))
                break
    return found


def best(found: list[Found], prefer_last: bool = False) -> tuple[object, float]:
    """The value of the surest rule; where that rule found different values the
    reading is unsure, and the last one (the bottom of a page) or first is taken."""
    if not found:
        return None, 0.0
    top = min(f.rank for f in found)
    mine = [f for f in found if f.rank == top]
    pick = mine[-1] if prefer_last else mine[0]
    values = {str(f.value) for f in mine}
    confidence = max(f.confidence for f in mine if str(f.value) == str(pick.value))
    return pick.value, confidence if len(values) == 1 else min(confidence, 0.7)


def a_number(text: str, *_):
    text = re.sub(r"\([^)]*\)", " ", text).replace("# ", "#")  # (380) is a code
    tokens = re.findall(r"[#A-Za-z0-9][\w\-/.#]*", text)
    for token in tokens[:2]:
        token = token.strip(".-/#")
        if any(c.isdigit() for c in token) and len(token) >= 3:
            if find_dates(token) or re.fullmatch(r"\d{1,3}([.,]\d{2})", token):
                return None  # a date or an amount, not a number
            if re.fullmatch(r"[A-Z]{2}\d{9,12}", token) and token[:2] in VAT_PREFIXES:
                return None  # a VAT number
            return token
    return None


def a_date(month_first: bool):
    def parse(text: str, *_):
        dates = find_dates(text[:40], month_first)
        return dates[0][1] if dates else None

    return parse


def an_amount(pick):
    def parse(text: str, grid: Grid, cell: Cell):
        found = [v for _, v in amounts_at(text)]
        for right in grid.right_of(cell):
            found += [v for _, v in amounts_at(right.text)]
        return pick(found) if found else None

    return parse


def largest(values):
    return max(values, key=abs)


def smallest(values):
    return min(values, key=abs)
