"""The DocumentReader: is this file a document we accept, and what does it say?

Files are recognised by their bytes, not by the name or type a portal claims. An
e-invoice (standalone XML, or XML inside a PDF) is read from its XML, exactly; other
PDFs from their text; images and image-only PDFs by OCR."""

import io
import logging
import unicodedata

from pypdf import PdfReader

from adapters.documents import einvoice
from adapters.documents.facts import read_facts
from adapters.documents.kinds import PDF, XML, sniff
from adapters.documents.ports import RejectedFile
from schemas.records import DocumentFacts

MAX_PAGES = 20  # invoices are short; a 500-page file is not read in full


def content_type(data: bytes) -> str:
    kind = sniff(data)
    if kind.startswith("application/octet"):
        raise RejectedFile(
            "not_a_document", f"not a PDF, an image or an e-invoice ({_start(data)})"
        )
    return kind


def _start(data: bytes) -> str:
    head = data[:16]
    if head.lstrip().lower().startswith((b"<!doctype", b"<html")):
        return "it is an HTML page"
    return f"it starts with {head[:8]!r}"


def pdf_text(data: bytes) -> str:
    try:
        pdf = PdfReader(io.BytesIO(data))
        if pdf.is_encrypted and not pdf.decrypt(""):
            raise RejectedFile("encrypted", "the PDF is password-protected")
        pages = pdf.pages[:MAX_PAGES]
        # Layout mode keeps each word where it stands on the page: a label and its
        # value in separate text runs or columns stay on one line, or one above
        # the other (adapters.documents.layout).
        text = "\n".join(
            page.extract_text(extraction_mode="layout") or "" for page in pages
        )
        return unicodedata.normalize("NFKC", text)  # ligatures: "Oﬃce" is "Office"
    except RejectedFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure of a foreign file
        # means the same to us: it cannot be read. A bug here would show as every
        # file unreadable, which the tests and the benchmark would catch.
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise RejectedFile(
            "unreadable", f"the PDF cannot be opened ({detail})"
        ) from None


def pdf_pages(data: bytes) -> int:
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - counted for the benchmark only
        return 1


def read_einvoice(xml: bytes, embedded: bool) -> DocumentFacts:
    """The facts of an e-invoice's XML; RejectedFile if it is not one we can read."""
    try:
        parsed = einvoice.parse(xml)
    except RejectedFile:
        raise
    except Exception as exc:  # noqa: BLE001 - the parser raises plain exceptions
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise RejectedFile(
            "unreadable", f"the e-invoice cannot be read ({detail})"
        ) from None
    return einvoice.facts(parsed, embedded)


class DocumentReader:
    def __init__(self, max_bytes: int, known_suppliers: list[str] = ()) -> None:
        self.max_bytes, self.known_suppliers = max_bytes, list(known_suppliers)
        # pypdf warns of every oddity of a broken PDF; the rejection says it once.
        logging.getLogger("pypdf").setLevel(logging.ERROR)

    def check_size(self, size: int) -> None:
        if size == 0:
            raise RejectedFile("empty", "the file is empty")
        if size > self.max_bytes:
            raise RejectedFile(
                "too_large",
                f"the file is {size} bytes, over the limit of {self.max_bytes}",
            )

    def read(self, data: bytes) -> DocumentFacts:
        """The facts of an accepted file; RejectedFile says why it is not one."""
        self.check_size(len(data))
        kind = content_type(data)
        if kind == XML:
            return read_einvoice(data, embedded=False)
        if kind != PDF:
            return DocumentFacts()  # an image: accepted, nothing to read without OCR
        if (xml := einvoice.embedded_xml(data)) is not None:
            try:
                return read_einvoice(xml, embedded=True)
            except RejectedFile:
                pass  # an attachment that is no invoice: the PDF is still read
        return self.read_page_text(data)

    def read_page_text(self, data: bytes, region: str | None = None) -> DocumentFacts:
        """A PDF's facts from what its pages show, ignoring any attached XML."""
        facts = read_facts(pdf_text(data), self.known_suppliers, region)
        return facts.model_copy(update={"read_from": "text"})
