"""Read a document's facts from its page: each value found beside or under its label
(adapters.documents.labels), in six languages, with a confidence that says how sure
the reading is. Pure: page text in, DocumentFacts out."""

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from stdnum.eu import vat as eu_vat

from adapters.documents import labels as L
from adapters.documents.layout import Cell, Grid
from adapters.documents.values import amounts_at, find_dates, month_first
from schemas.records import DocumentFacts, Reading

SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "₹": "INR"}
CURRENCIES = {
    "GBP", "EUR", "USD", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK", "INR", "HUF",
    "RON", "AUD", "CAD", "JPY",
}  # fmt: skip
NOT_ISSUE = L.rx(
    r"order|bestell|liefer|leistung|delivery|livraison|commande|levering|"
    r"entrega|consegna|period|zeitraum|from|bis|start|end|print|druck|due|"
    r"fällig|échéance|verval|vencim|scadenza|limite|birth|geburt"
)
# A country code, then a digit, then the rest: NL810433941B01, DE 232 446 240.
TAX_ID_AT = re.compile(  # Spain's may start with a letter: ESB65432108
    r"\b([A-Z]{2})[\s.-]?((?:\d|(?<=ES)[A-Z]|(?<=ES )[A-Z])(?:[\s.]?[0-9A-Z]){7,12})"
    r"(?![0-9A-Z])"
)
NET = L.rx(
    r"sub\s*-?total|\bnet(?:to)?\b|nettobetrag|\bht\b|excl|exkl|ohne|subtotaal|"
    r"imponible|imponibile"
)


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
            if value is not None:
                found.append(Found(value, confidence - 0.05 * distance, rank, cell.row))
            break
    return found


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


# --- what a value looks like -----------------------------------------------------


def a_number(text: str, *_):
    text = re.sub(r"\([^)]*\)", " ", text).replace("# ", "#")  # (380) is a code
    tokens = re.findall(r"[#A-Za-z0-9][\w\-/.#]*", text)
    for token in tokens[:2]:
        token = token.strip(".-/#")
        if any(c.isdigit() for c in token) and len(token) >= 3:
            if find_dates(token) or re.fullmatch(r"\d{1,3}([.,]\d{2})", token):
                return None  # a date or an amount, not a number
            if re.fullmatch(r"[A-Z]{2}\d{9,12}", token):
                return None  # a VAT number
            return token
    return None


def a_date(region):
    def parse(text: str, *_):
        dates = find_dates(text[:40], region)
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


# --- the facts -------------------------------------------------------------------


def document_type(grid: Grid) -> Reading:
    """The title's word for it; failing that, the kind named first in the text."""
    head = "\n".join(grid.lines[:20])
    for kind, pattern in L.KINDS:  # a credit note's title may name its invoice
        if pattern.search(head):
            return reading(kind, 0.95)
    text = "\n".join(grid.lines)
    named = [(m.start(), kind) for kind, p in L.KINDS if (m := p.search(text))]
    return reading(min(named)[1], 0.6) if named else reading("invoice", 0.3)


def number(grid: Grid) -> Reading:
    found = labelled(grid, L.NUMBER, a_number)
    if not any(f.confidence >= 0.95 for f in found):  # no specific label: the title
        across = [
            Found(f.value, f.confidence, 1.5, f.row)
            for f in on_lines(grid, [(L.DOC_THEN_NO, 0.85)], a_number)
            if not L.NOT_DOC_NO.search(_before_value(grid.lines[f.row], f.value))
        ]
        found += across
    return reading(*best(found))


def _before_value(line: str, value) -> str:
    """The words between a document's title and its number on one line."""
    at = line.find(str(value))
    return line[max(0, at - 40) : at] if at >= 0 else line


def issue_date(grid: Grid, region, due) -> Reading:
    rules = [*L.ISSUE_DATE, (L.rx(rf"^\s*{L.DOC}\s*:?\s*$"), 0.8)]
    found = labelled(grid, rules, a_date(region), skip=NOT_ISSUE)
    if not found or min(f.rank for f in found) > 0:  # Facture n° 5620 du 2 juillet
        across = on_lines(grid, [(L.NUMBER_DATED, 0.9)], a_date(region))
        found += [Found(f.value, f.confidence, 0.5, f.row) for f in across]
    if not found or min(f.rank for f in found) > 0:  # Rechnung  05.03.2018  Nr. 4711
        titled = [
            Found(dates[0][1], 0.85, 0.6, row)
            for row, line in enumerate(grid.lines[:20])
            if L.DOC_THEN_NO.search(line) and (dates := find_dates(line, region))
        ]
        found += titled[:1]
    value, confidence = best(found)
    if value is None:  # the first date that is not the due date
        dates = [d for line in grid.lines for _, d in find_dates(line, region)]
        dates = [d for d in dates if d != due]
        value, confidence = (dates[0], 0.5) if dates else (None, 0.0)
    return reading(value.isoformat() if value else None, confidence)


def due_date(grid: Grid, region):
    value, confidence = best(labelled(grid, L.DUE_DATE, a_date(region)))
    return value, confidence


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


def supplier_tax_id(grid: Grid) -> Reading:
    """The first VAT number that is not labelled as the customer's; a valid check
    digit makes it sure."""
    for row in grid.rows:
        for cell in row:
            for m in TAX_ID_AT.finditer(cell.text):
                before = cell.text[: m.start()]
                left = [c.text for c in row if c.end <= cell.start][-1:]
                above = [c.text for c in grid.above(cell)]
                if L.CUSTOMER.search(" ".join([before, *left, *above])):
                    continue
                compact = re.sub(r"[\s.\-]", "", m.group(0)).upper()
                if compact.startswith("CHE"):
                    continue
                if eu_vat.is_valid(compact):
                    return reading(compact, 0.95)
                labelled_ = re.search(
                    r"vat|ust|mwst|tva|btw|iva|tax|steuer|nif|cif|p\.\s?iva",
                    before + " ".join(left),
                    re.I,
                )
                if labelled_ and re.fullmatch(r"[A-Z]{2}[0-9A-Z]{8,12}", compact):
                    return reading(compact, 0.85)
    return Reading()


def read_facts(
    text: str, known_suppliers: list[str] = (), region: str | None = None
) -> DocumentFacts:
    grid = Grid(text)
    if not grid.lines:
        return DocumentFacts()
    order = "month-first" if month_first(text, region) else "day-first"
    due, due_conf = due_date(grid, order)
    total_, total_conf, total_row = total(grid)
    tax_, tax_conf, tax_lines = tax(grid)
    if tax_ is not None and total_ is not None and abs(tax_) > abs(total_):
        tax_, tax_conf = None, 0.0  # a tax above the total is another figure
    nets = net_amounts(grid)
    if not balanced(total_, tax_, nets):
        table = tax_column(grid)  # a table of tax by rate
        summed = sum(tax_lines, Decimal(0)) if len(tax_lines) > 1 else None
        for other in (table.value if table else None, summed):  # one line per rate
            if other is not None and balanced(total_, other, nets):
                tax_, tax_conf = other, 0.9
                break
        else:
            if tax_ is None and table is not None:
                tax_, tax_conf = table.value, 0.7
    if balanced(total_, tax_, nets):
        total_conf, tax_conf = max(total_conf, 0.97), max(tax_conf, 0.95)
    lower = text.lower()
    supplier = next((n for n in known_suppliers if n.lower() in lower), None)
    return DocumentFacts(
        supplier=reading(supplier, 0.95)
        if supplier
        else reading(grid.lines[0].strip(), 0.5),
        document_type=document_type(grid),
        number=number(grid),
        issue_date=issue_date(grid, order, due),
        due_date=reading(due.isoformat() if due else None, due_conf),
        currency=currency(grid, total_row, region),
        total=reading(total_, total_conf),
        tax_total=reading(tax_, tax_conf),
        supplier_tax_id=supplier_tax_id(grid),
    )
