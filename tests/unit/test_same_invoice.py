"""An invoice's XML and its PDF from one connection are one inbox item: dedupe says
so, the inbox attaches the second to the first's item once, with the XML's facts."""

from pathlib import Path

from adapters.store.memory_records import InMemoryFileStore, InMemoryInboxStore
from agents.dedupe_policy import judge
from agents.inbox import InboxHandler
from schemas.records import DedupeMode, DocumentMetadata, Verdict
from tests.unit.factories import dedupe_handler, drain, found
from tests.unit.test_dedupe_inbox_notifier import connections

XML = (
    Path(__file__).parents[2]
    / "bench/corpus/real/einvoice/CII__EN16931_Einfach.cii.xml"
).read_bytes()


def test_another_format_of_one_connection_is_the_same_invoice():
    same = judge(DedupeMode.AUTOMATIC, None, "doc-1", other_format=True)
    assert (same.verdict, same.duplicate_of, same.post) == (
        Verdict.SAME_INVOICE,
        "doc-1",
        True,
    )
    copy = judge(DedupeMode.AUTOMATIC, None, "doc-1", other_format=False)
    assert copy.verdict is Verdict.SUSPECTED_DUPLICATE
    assert judge(DedupeMode.OFF, None, "doc-1", True).verdict is Verdict.NEW


def page_of(facts) -> bytes:
    """The same invoice as a PDF: its facts printed as labelled lines."""
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    lines = [
        "Lieferant GmbH",
        "Rechnung",
        f"Rechnungsnummer: {facts.number.value}",
        "Rechnungsdatum: 05.03.2018",
        "Nettobetrag: 473,00 EUR",
        "Steuerbetrag: 56,87 EUR",
        "Gesamtbetrag: 529,87 EUR",
    ]
    for line in lines:
        doc.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


async def test_the_xml_after_its_pdf_joins_the_pdfs_item_once():
    files = InMemoryFileStore()
    docs = dedupe_handler(files=files)
    meta = DocumentMetadata(number="471102", issued_on="2018-03-05")
    facts = docs.reader.read(XML)
    pdf = await files.put(page_of(facts), "471102.pdf", "application/pdf")
    xml = await files.put(XML, "471102.xml", "application/xml")
    first = await drain(docs.on_document_found(found("p1", file=pdf, metadata=meta)))
    second = await drain(docs.on_document_found(found("x1", file=xml, metadata=meta)))
    assert first[0].event.verdict is Verdict.NEW
    assert second[0].event.verdict is Verdict.SAME_INVOICE
    assert second[0].event.duplicate_of == first[0].event.document_id

    inbox = InMemoryInboxStore()
    handler = InboxHandler(await connections(), inbox)
    effects = await handler.on_documents_accepted([first[0].event, second[0].event])
    await effects.then()
    (item,) = await inbox.list("t1")
    assert item.file == pdf and item.formats == [xml]
    assert item.facts.read_from == "e-invoice"  # the XML's exact facts
    posts = [o.event.item for o in effects.outgoing]
    assert [p.item_id for p in posts] == [item.item_id, item.item_id]
    assert posts[1].formats == [xml]
    # Delivered again: nothing attached twice, nothing posted again.
    again = await handler.on_documents_accepted([second[0].event])
    assert again.outgoing == []
    assert (await inbox.list("t1"))[0].formats == [xml]
