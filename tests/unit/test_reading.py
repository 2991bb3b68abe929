"""Reading a page as a person does: labels beside or over their values in six
languages, dates by region, the grand total, the supplier's own VAT number, the last
page of a long PDF, and scans by OCR."""

import io
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image

from adapters.documents.facts import read_facts
from adapters.documents.reader import DocumentReader
from adapters.documents.values import find_amounts
from tests.e2e.documents import INVOICE, pdf

reader = DocumentReader(10_000_000)


@pytest.mark.parametrize(
    ("page", "number", "issued", "total", "kind"),
    [
        (
            "Rechnung\nRechnungsnummer    R-2025-17\nRechnungsdatum    4. März 2025\n"
            "Nettobetrag    1.000,00 €\nzzgl. 19 % USt.    190,00 €\n"
            "Gesamtbetrag    1.190,00 €",
            "R-2025-17",
            "2025-03-04",
            "1190.00",
            "invoice",
        ),
        (
            "Avoir\nAvoir N° AV-88\nDate de facturation : 4 février 2025\n"
            "Total HT    1 000,00 €\nTVA 20 %    200,00 €\nTotal TTC    1 200,00 €",
            "AV-88",
            "2025-02-04",
            "1200.00",
            "credit_note",
        ),
        (
            "Creditnota\nCreditnotanummer: CN-5\nFactuurdatum: 6 mei 2025\n"
            "Subtotaal    € 100,00\nBTW 21%    € 21,00\nTotaal    € 121,00",
            "CN-5",
            "2025-05-06",
            "121.00",
            "credit_note",
        ),
        (
            "Factura\nNº de factura    F-2025-301\n"
            "Fecha de emisión    4 de marzo de 2025\n"
            "Base imponible    500,00 €\nIVA 21 %    105,00 €\n"
            "Total factura    605,00 €",
            "F-2025-301",
            "2025-03-04",
            "605.00",
            "invoice",
        ),
        (
            "Nota di credito\nNota di credito n. NC/12\nData documento    04/03/2025\n"
            "Imponibile    € 100,00\nIVA 22%    € 22,00\nTotale documento    € 122,00",
            "NC/12",
            "2025-03-04",
            "122.00",
            "credit_note",
        ),
        (
            "Credit memo\nCredit memo number    CM-3\n"
            "Date of issue    March 14th 2025\n"
            "Subtotal    $100.00\nSales tax 8 %    $8.00\nTotal    $108.00",
            "CM-3",
            "2025-03-14",
            "108.00",
            "credit_note",
        ),
    ],
)
def test_six_languages(page, number, issued, total, kind):
    facts = read_facts(page, region="US" if "$" in page else None)
    assert facts.number.value == number
    assert facts.issue_date.value == issued
    assert facts.total.value == total and facts.total.confidence >= 0.95
    assert facts.document_type.value == kind


def test_a_value_under_its_label_in_a_box():
    page = (
        "Invoice no.          Invoice date          Payment due\n"
        "INV-77               14th March 2025       13th April 2025\n"
        "Subtotal    £10.00\nVAT    £2.00\nTotal    £12.00"
    )
    facts = read_facts(page)
    assert (facts.number.value, facts.issue_date.value) == ("INV-77", "2025-03-14")
    assert facts.due_date.value == "2025-04-13"


def test_a_table_head_row_does_not_lend_its_values_to_a_title_above_it():
    page = (
        "Kopie factuur\n"
        "Klant               Factuur datum     Factuur         Vervaldatum\n"
        "SCONL0303006280999  8-9-2022          VF1005193039    22-9-2022\n"
        "Factuur totaal EUR    49,99"
    )
    facts = read_facts(page, region="NL")
    assert facts.number.value == "VF1005193039"  # VF is no country's VAT prefix


def test_a_number_quoted_in_a_sentence_is_not_the_documents_number():
    page = (
        "Rechnung (380)     20.09.2018   Nr. E2018092011804\n"
        "Bei Schriftwechsel bitte Ihre Kundennummer 35040727 und "
        "Belegnummer 2018092011804 angeben\n"
        "Gesamtbetrag    8,41 EUR"
    )
    assert read_facts(page).number.value == "E2018092011804"


def test_a_self_billed_gutschrift_is_an_invoice_and_a_credit_note_is_not():
    title = "Gutschrift (Selbst ausgestellte Rechnung)    Nr. 471102\n"
    page = title + "Rechnungsdatum: 05.03.2018\nGesamtbetrag    529,87 EUR"
    assert read_facts(page).document_type.value == "invoice"
    credit = page.replace("(Selbst ausgestellte Rechnung)", "zu Rechnung 4711")
    assert read_facts(credit).document_type.value == "credit_note"


def test_numeric_dates_by_region_unless_the_document_says_otherwise():
    page = "Invoice number: A-1\nInvoice date: 03/04/2025\nTotal: 10.00 EUR"
    assert read_facts(page, region="GB").issue_date.value == "2025-04-03"
    assert read_facts(page, region="US").issue_date.value == "2025-03-04"
    # A date that can only be month first shows how this document writes them.
    told = page + "\nPaid on 11/17/2025"
    assert read_facts(told, region="GB").issue_date.value == "2025-03-04"


def test_the_grand_total_not_the_net_the_tax_or_the_balance():
    page = (
        "Invoice number: B-2\nSubtotal    100.00 GBP\nVAT 20%    20.00 GBP\n"
        "Total    120.00 GBP\nAmount paid    50.00 GBP\nBalance due    70.00 GBP"
    )
    facts = read_facts(page)
    assert facts.total.value == "120.00" and facts.tax_total.value == "20.00"
    assert facts.total.confidence >= 0.95  # it adds up: 100 + 20


def test_the_supplier_vat_number_not_the_customers():
    page = (
        "Hetzner Online GmbH\nKundennummer: K01\nUSt-IdNr.: DE199952957\n"
        "Rechnungsnummer: R-1\nGesamtbetrag 10,00 €\n"
        "Hetzner Online GmbH    USt-IdNr. DE812871812"
    )
    assert read_facts(page).supplier_tax_id.value == "DE812871812"


def test_thousands_with_spaces_and_apostrophes():
    assert find_amounts("1 234,56 € | CHF 1'234.50 | 1’234.50 | 12 345 678,90") == [
        Decimal("1234.56"),
        Decimal("1234.50"),
        Decimal("1234.50"),
        Decimal("12345678.90"),
    ]
    assert find_amounts("Total 1 278.61") == [Decimal("278.61")]  # a quantity, a price


def long_invoice(pages: int) -> bytes:
    doc = FPDF()
    doc.set_font("Helvetica", size=11)
    for n in range(pages):
        doc.add_page()
        if n == 0:
            doc.cell(0, 8, "Invoice number: LONG-1", new_x="LMARGIN", new_y="NEXT")
        doc.cell(0, 8, f"Line items, page {n + 1}", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 8, "Total: 4,321.00 GBP", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def test_the_last_page_of_a_long_pdf_is_read():
    facts = reader.read(long_invoice(40))
    assert facts.number.value == "LONG-1" and facts.total.value == "4321.00"


def scan_of(data: bytes) -> Image.Image:
    page = pdfium.PdfDocument(data)[0]
    return page.render(scale=150 / 72).to_pil().convert("L")


def test_a_photo_of_an_invoice_is_read_by_ocr():
    buf = io.BytesIO()
    scan_of(pdf()).save(buf, "JPEG", quality=80)
    facts = reader.read(buf.getvalue(), region="GB")
    assert facts.read_from == "ocr"
    assert facts.number.value == "NW-2025-0042"
    assert Decimal(facts.total.value) == INVOICE.total
    # The OCR's own doubt is in every confidence: never above the rule's.
    assert 0 < facts.total.confidence <= 0.97


def test_a_scan_saved_as_pdf_is_read_by_ocr():
    buf = io.BytesIO()
    scan_of(pdf()).save(buf, "PDF", resolution=150)
    facts = reader.read(buf.getvalue())
    assert facts.read_from == "ocr" and facts.number.value == "NW-2025-0042"
