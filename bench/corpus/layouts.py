"""Six ways suppliers lay out a document, rendered as real PDFs with fpdf2.

Each layout writes the same facts with its own labels, date and number formats, so a
reader that works on one and not the others shows up in the benchmark."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from fpdf import FPDF

MONTHS_DE = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
    "September", "Oktober", "November", "Dezember",
]  # fmt: skip
SYMBOL = {"GBP": "£", "EUR": "€", "USD": "$"}


@dataclass(frozen=True)
class Doc:
    """The truth about one document: what a reader should find in it."""

    supplier: str
    tax_id: str | None
    kind: str  # invoice, credit_note, receipt, statement
    number: str | None  # None: this copy does not print its number
    issued_on: date
    due_on: date | None
    currency: str
    total: Decimal
    tax_total: Decimal | None
    customer: str = "Harbour Cafe Ltd"


def en_amount(x: Decimal) -> str:
    return f"{x:,.2f}"


def de_amount(x: Decimal) -> str:
    return f"{x:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def de_date(d: date) -> str:
    return f"{d.day}. {MONTHS_DE[d.month - 1]} {d.year}"


TITLE = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "receipt": "Receipt",
    "statement": "Statement",
}
TITLE_DE = {
    "invoice": "Rechnung",
    "credit_note": "Gutschrift",
    "receipt": "Quittung",
    "statement": "Kontoauszug",
}


def classic(pdf: FPDF, d: Doc) -> None:
    _title(pdf, d.supplier, TITLE[d.kind].upper())
    if d.tax_id:
        _line(pdf, f"VAT registration number: {d.tax_id}")
    if d.number:
        _line(pdf, f"{TITLE[d.kind]} number: {d.number}")
    _line(pdf, f"{TITLE[d.kind]} date: {d.issued_on.isoformat()}")
    if d.due_on:
        _line(pdf, f"Due date: {d.due_on.isoformat()}")
    _line(pdf, f"Bill to: {d.customer}")
    _line(pdf, "")
    net = d.total - (d.tax_total or 0)
    _line(pdf, f"Services for {d.issued_on:%B %Y}          {en_amount(net)}")
    _line(pdf, f"Subtotal: {en_amount(net)} {d.currency}")
    if d.tax_total is not None:
        _line(pdf, f"VAT 20%: {en_amount(d.tax_total)} {d.currency}")
    _line(pdf, f"Total: {en_amount(d.total)} {d.currency}", bold=True)


def letter(pdf: FPDF, d: Doc) -> None:
    sym = SYMBOL.get(d.currency, d.currency + " ")
    _title(pdf, d.supplier, "")
    _line(pdf, f"{d.issued_on.day} {d.issued_on:%B %Y}")
    _line(pdf, f"Dear {d.customer},")
    ref = f" {d.number}" if d.number else ""
    _line(pdf, f"Please find enclosed your {TITLE[d.kind].lower()}{ref}.")
    if d.tax_total is not None:
        _line(pdf, f"It includes tax of {sym}{en_amount(d.tax_total)}.")
    _line(pdf, f"Amount due: {sym}{en_amount(d.total)}", bold=True)
    if d.due_on:
        _line(pdf, f"Please pay by {d.due_on.day} {d.due_on:%B %Y}.")
    if d.tax_id:
        _line(pdf, f"Tax ID: {d.tax_id}")


def german(pdf: FPDF, d: Doc) -> None:
    _title(pdf, d.supplier, TITLE_DE[d.kind])
    if d.tax_id:
        _line(pdf, f"USt-IdNr.: {d.tax_id}")
    if d.number:
        _line(pdf, f"{TITLE_DE[d.kind]} Nr.: {d.number}")
    _line(pdf, f"{TITLE_DE[d.kind]}sdatum: {d.issued_on:%d.%m.%Y}")
    if d.due_on:
        _line(pdf, f"Zahlbar bis: {d.due_on:%d.%m.%Y}")
    _line(pdf, f"Kunde: {d.customer}")
    if d.tax_total is not None:
        _line(pdf, f"MwSt. 19%: {de_amount(d.tax_total)} {d.currency}")
    _line(pdf, f"Gesamtbetrag: {de_amount(d.total)} {d.currency}", bold=True)
    _line(pdf, f"Ausgestellt am {de_date(d.issued_on)}")


def receipt(pdf: FPDF, d: Doc) -> None:
    sym = SYMBOL.get(d.currency, d.currency + " ")
    _title(pdf, d.supplier, TITLE[d.kind].upper())
    if d.number:
        _line(pdf, f"{TITLE[d.kind]} #: {d.number}")
    _line(pdf, f"Date: {d.issued_on:%d/%m/%Y}")
    _line(pdf, "1 x Monthly service")
    if d.tax_total is not None:
        _line(pdf, f"Tax: {sym}{en_amount(d.tax_total)}")
    _line(pdf, f"TOTAL {sym}{en_amount(d.total)}", bold=True)
    if d.due_on:
        _line(pdf, f"Payment due: {d.due_on:%d/%m/%Y}")
    if d.tax_id:
        _line(pdf, f"VAT No: {d.tax_id}")
    _line(pdf, f"Currency: {d.currency}")


def table(pdf: FPDF, d: Doc) -> None:
    _title(pdf, d.supplier, TITLE[d.kind])
    rows = [("Document", TITLE[d.kind])]
    if d.number:
        rows.append(("Document no.", d.number))
    rows.append(("Issued", f"{d.issued_on:%d %b %Y}"))
    if d.due_on:
        rows.append(("Payment due", f"{d.due_on:%d %b %Y}"))
    if d.tax_id:
        rows.append(("Supplier VAT ID", d.tax_id))
    if d.tax_total is not None:
        rows.append(("Tax amount", f"{d.currency} {en_amount(d.tax_total)}"))
    rows.append(("Total due", f"{d.currency} {en_amount(d.total)}"))
    pdf.set_font("Helvetica", size=10)
    for label, value in rows:
        pdf.cell(60, 8, label, border=1)
        pdf.cell(80, 8, value, border=1, align="R", new_x="LMARGIN", new_y="NEXT")


def modern(pdf: FPDF, d: Doc) -> None:
    _title(pdf, d.supplier.upper(), "")
    head = f"{TITLE[d.kind]} {d.number}" if d.number else TITLE[d.kind]
    _line(pdf, head, bold=True)
    _line(pdf, f"Issue date  {d.issued_on:%B} {d.issued_on.day}, {d.issued_on.year}")
    if d.due_on:
        _line(pdf, f"Due  {d.due_on:%B} {d.due_on.day}, {d.due_on.year}")
    if d.tax_id:
        _line(pdf, f"Company tax number {d.tax_id}")
    if d.tax_total is not None:
        _line(pdf, f"Sales tax  {en_amount(d.tax_total)} {d.currency}")
    _line(pdf, f"Grand total  {en_amount(d.total)} {d.currency}", bold=True)


LAYOUTS = {
    "classic": classic,
    "letter": letter,
    "german": german,
    "receipt": receipt,
    "table": table,
    "modern": modern,
}


def render(doc: Doc, layout: str, variant: int = 0) -> bytes:
    """The document as PDF bytes; another variant gives other bytes, same facts (a
    regenerated copy: other creation time, other font)."""
    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # has € (latin-1 has not)
    created = datetime.combine(doc.issued_on, time(8, variant % 60), UTC)
    pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font(["Helvetica", "Times", "Courier"][variant % 3], size=11)
    LAYOUTS[layout](pdf, doc)
    return bytes(pdf.output())


def _title(pdf: FPDF, supplier: str, title: str) -> None:
    family = pdf.font_family
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 10, supplier, new_x="LMARGIN", new_y="NEXT")
    if title:
        pdf.set_font(family, "B", 13)
        pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=11)


def _line(pdf: FPDF, text: str, bold: bool = False) -> None:
    family = pdf.font_family
    pdf.set_font(family, "B" if bold else "", 11)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
