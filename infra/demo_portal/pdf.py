"""Render a demo invoice as a real PDF with a text layer (fpdf2)."""

from datetime import UTC, datetime, time

from fpdf import FPDF

from infra.demo_portal.data import Invoice


def render_invoice(supplier: str, invoice: Invoice) -> bytes:
    pdf = FPDF()
    # A fixed creation date makes the same invoice the same bytes: its sha256 is stable.
    pdf.set_creation_date(datetime.combine(invoice.issued_on, time(), UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, supplier, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    title = "Credit note" if invoice.kind == "credit_note" else "Invoice"
    lines = [
        f"{title} number: {invoice.number}",
        f"{title} date: {invoice.issued_on.isoformat()}",
        f"Customer: {invoice.customer}",
        "",
        f"Services, month of {invoice.issued_on:%B %Y}",
        f"Total: {invoice.total} {invoice.currency}",
    ]
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
