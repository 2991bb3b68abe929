"""What kind of file a portal sent: told by its bytes, not by the name or type given."""

from adapters.documents.einvoice import is_xml

PDF, PNG, JPEG, XML = "application/pdf", "image/png", "image/jpeg", "application/xml"
IMAGES = {b"\x89PNG\r\n\x1a\n": PNG, b"\xff\xd8\xff": JPEG}
OTHER = "application/octet-stream"


def sniff(data: bytes) -> str:
    """The content type the bytes show; OTHER when they show none we read."""
    if data.startswith(b"%PDF-") or data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    for magic, kind in IMAGES.items():
        if data.startswith(magic):
            return kind
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if is_xml(data) and not head.startswith((b"<!doctype", b"<html")):
        return XML
    return OTHER


EXTENSIONS = {PDF: ".pdf", XML: ".xml", PNG: ".png", JPEG: ".jpg"}


def named(filename: str, kind: str) -> str:
    """The file name with the extension its bytes call for ("INV-1.pdf" that is an
    XRechnung file is "INV-1.xml")."""
    ext = EXTENSIONS.get(kind)
    if ext is None or filename.lower().endswith(ext):
        return filename
    stem, dot, old = filename.rpartition(".")
    base = stem if dot and len(old) <= 4 else filename
    return base + ext
