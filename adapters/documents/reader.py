"""The DocumentReader: is this file a document we accept, and what does it say?

Files are recognised by their bytes, not by the name or type a portal claims. An
e-invoice (standalone XML, or XML inside a PDF) is read from its XML, exactly; other
PDFs from their pages' text as laid out; images and image-only PDFs by OCR."""

import io
import logging
import time
import unicodedata

from pypdf import PdfReader

from adapters.documents import einvoice, ocr
from adapters.documents.facts import read_facts
from adapters.documents.kinds import PDF, XML, sniff
from adapters.documents.ports import RejectedFile
from schemas.records import DocumentFacts, Reading

TEXT_SECONDS = 5.0  # a PDF's text is read page by page until this, last pages first
MIN_TEXT = 40  # characters: fewer, and the PDF is a scan with no text layer

log = logging.getLogger(__name__)


def content_type(data: bytes) -> str:
    kind = sniff(data)
    if kind.startswith("application/octet"):
        raise RejectedFile(
            "not_a_document",
            f"not a PDF, an image or an e-invoice ({_start(data)})",
        )
    return kind


def _start(data: bytes) -> str:
    head = data[:16]
    if head.lstrip().lower().startswith((b"<!doctype", b"<html")):
        return "it is an HTML page"
    return f"it starts with {head[:8]!r}"


def _open(data: bytes) -> PdfReader:
    try:
        pdf = PdfReader(io.BytesIO(data))
        if pdf.is_encrypted and not pdf.decrypt(""):
            raise RejectedFile("encrypted", "the PDF is password-protected")
        len(pdf.pages)  # a broken page tree fails here, not halfway through
        return pdf
    except RejectedFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure of a foreign file
        # means the same to us: it cannot be read. A bug here would show as every
        # file unreadable, which the tests and the benchmark would catch.
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise RejectedFile(
            "unreadable", f"the PDF cannot be opened ({detail})"
        ) from None


def pdf_text(data: bytes, seconds: float = TEXT_SECONDS) -> str:
    """Every page's text as laid out, bounded by time, not by a page count: the
    first page and the last (where totals are) first, then the ones between."""
    pages = _open(data).pages
    deadline = time.monotonic() + seconds
    texts = {}
    for i in ocr.facts_pages_first(len(pages)):
        if texts and time.monotonic() > deadline:
            break
        try:
            # Layout mode keeps each word where it stands on the page: a label and
            # its value in other text runs or columns stay on one line, or one
            # above the other (adapters.documents.layout).
            texts[i] = pages[i].extract_text(extraction_mode="layout") or ""
        except Exception:  # noqa: BLE001 - one broken page; the others still count
            texts[i] = ""
    text = "\n".join(texts[i] for i in sorted(texts))
    return unicodedata.normalize("NFKC", text)  # ligatures: "Oﬃce" is "Office"


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


def from_ocr(found: ocr.OcrText, known: list[str], region) -> DocumentFacts:
    """Facts read from OCR text: each as sure as its rule, lowered by the OCR's own
    confidence in the words. By its square root: tesseract's mean word confidence
    on a page read right is 0.8 to 0.95, and scaling by it whole put half the right
    values of scans under the duplicate layer's bar (bench.reading's calibration)."""
    facts = read_facts(found.text, known, region)
    factor = found.confidence**0.5
    scaled = {
        name: Reading(value=r.value, confidence=round(r.confidence * factor, 2))
        for name in DocumentFacts.model_fields
        if isinstance(r := getattr(facts, name), Reading) and r.value is not None
    }
    return facts.model_copy(update=scaled | {"read_from": "ocr"})


class DocumentReader:
    def __init__(self, max_bytes: int, known_suppliers: list[str] = ()) -> None:
        self.max_bytes, self.known_suppliers = max_bytes, list(known_suppliers)
        # pypdf warns of every oddity of a broken PDF; the rejection says it once.
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        self.ocr = ocr.available()
        if not self.ocr:
            log.warning("tesseract is not installed: scans are accepted unread")

    def check_size(self, size: int) -> None:
        if size == 0:
            raise RejectedFile("empty", "the file is empty")
        if size > self.max_bytes:
            raise RejectedFile(
                "too_large",
                f"the file is {size} bytes, over the limit of {self.max_bytes}",
            )

    def read(self, data: bytes, region: str | None = None) -> DocumentFacts:
        """The facts of an accepted file; RejectedFile says why it is not one."""
        return self.read_document(data, region)[0]

    def read_document(
        self, data: bytes, region: str | None = None
    ) -> tuple[DocumentFacts, bytes | None]:
        """The facts, and the e-invoice XML found inside a PDF (kept beside it)."""
        self.check_size(len(data))
        kind = content_type(data)
        if kind == XML:
            return read_einvoice(data, embedded=False), None
        if kind != PDF:
            return self.read_image(data, region), None
        if (xml := einvoice.embedded_xml(data)) is not None:
            try:
                return read_einvoice(xml, embedded=True), xml
            except RejectedFile:
                pass  # an attachment that is no invoice: the PDF is still read
        return self.read_page_text(data, region), None

    def read_page_text(self, data: bytes, region: str | None = None) -> DocumentFacts:
        """A PDF's facts from what its pages show, ignoring any attached XML; by OCR
        where the pages carry no text (a scan saved as PDF)."""
        text = pdf_text(data)
        if len("".join(text.split())) < MIN_TEXT:
            count, render = ocr.pdf_pages(data)
            return self.read_scan(count, render, region)
        facts = read_facts(text, self.known_suppliers, region)
        return facts.model_copy(update={"read_from": "text"})

    def read_image(self, data: bytes, region: str | None) -> DocumentFacts:
        if not self.ocr:
            return DocumentFacts()  # accepted; without OCR nothing can be read
        try:
            images = ocr.image_pages(data)
        except Exception as exc:  # noqa: BLE001 - Pillow's errors for a bad image
            detail = f"{type(exc).__name__}: {exc}"[:200]
            raise RejectedFile(
                "unreadable", f"the image cannot be opened ({detail})"
            ) from None
        return self.read_scan(len(images), images.__getitem__, region)

    def read_scan(self, count: int, render, region: str | None) -> DocumentFacts:
        """Facts by OCR of pages 0..count-1, render(i) giving each one's image."""
        if not self.ocr:
            return DocumentFacts()  # accepted; without OCR nothing can be read
        found = ocr.read_pages(count, render, region)
        return from_ocr(found, self.known_suppliers, region)
