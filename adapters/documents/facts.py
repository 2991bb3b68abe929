"""Read a document's facts from its page: each value found beside or under its label
(adapters.documents.labels), in six languages, with a confidence that says how sure
the reading is. Pure: page text in, DocumentFacts out."""

import re
from decimal import Decimal

from stdnum.eu import vat as eu_vat

from adapters.documents import labels as L
from adapters.documents.amounts import (
    balanced,
    currency,
    net_amounts,
    tax,
    tax_column,
    total,
)
from adapters.documents.finding import (
    Found,
    a_date,
    a_number,
    best,
    labelled,
    on_lines,
    reading,
)
from adapters.documents.layout import Grid
from adapters.documents.values import find_dates, writes_month_first
from schemas.records import DocumentFacts, Reading

NOT_ISSUE = L.rx(
    r"order|bestell|liefer|leistung|delivery|livraison|commande|levering|"
    r"entrega|consegna|period|zeitraum|from|bis|start|end|print|druck|due|"
    r"fällig|échéance|verval|vencim|scadenza|limite|birth|geburt"
)


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


def issue_date(grid: Grid, month_first: bool, due) -> Reading:
    rules = [*L.ISSUE_DATE, (L.rx(rf"^\s*{L.DOC}\s*:?\s*$"), 0.8)]
    found = labelled(grid, rules, a_date(month_first), skip=NOT_ISSUE)
    if not found or min(f.rank for f in found) > 0:  # Facture n° 5620 du 2 juillet
        across = on_lines(grid, [(L.NUMBER_DATED, 0.9)], a_date(month_first))
        found += [Found(f.value, f.confidence, 0.5, f.row) for f in across]
    if not found or min(f.rank for f in found) > 0:  # Rechnung  05.03.2018  Nr. 4711
        titled = [
            Found(dates[0][1], 0.85, 0.6, row)
            for row, line in enumerate(grid.lines[:20])
            if L.DOC_THEN_NO.search(line) and (dates := find_dates(line, month_first))
        ]
        found += titled[:1]
    value, confidence = best(found)
    if value is None:  # the first date that is not the due date
        dates = [d for line in grid.lines for _, d in find_dates(line, month_first)]
        dates = [d for d in dates if d != due]
        value, confidence = (dates[0], 0.5) if dates else (None, 0.0)
    return reading(value.isoformat() if value else None, confidence)


def due_date(grid: Grid, month_first: bool):
    value, confidence = best(labelled(grid, L.DUE_DATE, a_date(month_first)))
    return value, confidence


def supplier_tax_id(grid: Grid) -> Reading:
    """The first VAT number that is not labelled as the customer's; a valid check
    digit makes it sure."""
    for row in grid.rows:
        for cell in row:
            for m in L.TAX_ID.finditer(cell.text):
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
    month_first = writes_month_first(text, region)
    due, due_conf = due_date(grid, month_first)
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
        issue_date=issue_date(grid, month_first, due),
        due_date=reading(due.isoformat() if due else None, due_conf),
        currency=currency(grid, total_row, region),
        total=reading(total_, total_conf),
        tax_total=reading(tax_, tax_conf),
        supplier_tax_id=supplier_tax_id(grid),
    )
