"""Turn what a portal shows (text, JSON values) into a DocumentRef, or say why not."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from adapters.portals.engines.config import Values
from adapters.portals.protocol import DocumentRef, LayoutChanged
from schemas.records import DocumentKind, DocumentMetadata

REQUIRED = ("id", "issued_on", "download")


def to_amount(text: str, decimal_comma: bool) -> Decimal:
    """'£1,234.50', '1.234,50 €', '-12.00' -> Decimal; currency signs are dropped."""
    kept = "".join(ch for ch in text if ch.isdigit() or ch in ",.-")
    if decimal_comma:
        kept = kept.replace(".", "").replace(",", ".")
    else:
        kept = kept.replace(",", "")
    return Decimal(kept)


def to_date(text: str, fmt: str) -> date:
    return datetime.strptime(text.strip(), fmt).date()


def document_ref(raw: dict[str, str | None], values: Values) -> DocumentRef:
    """Build a ref from the row's raw strings; a missing or unreadable one means the
    portal no longer looks the way the catalog says."""
    missing = [name for name in REQUIRED if not raw.get(name)]
    if missing:
        raise LayoutChanged(f"document row without {', '.join(missing)}")
    try:
        kind_word = (raw.get("kind") or "invoice").strip().lower()
        if kind_word not in values.kinds:
            raise ValueError(f"unknown document kind {kind_word!r}")
        total = raw.get("total")
        metadata = DocumentMetadata(
            number=(raw.get("number") or "").strip() or None,
            kind=DocumentKind(values.kinds[kind_word]),
            issued_on=to_date(raw["issued_on"] or "", values.date_format),
            total=to_amount(total, values.decimal_comma) if total else None,
            currency=(raw.get("currency") or "").strip().upper() or None,
        )
    except (InvalidOperation, ValueError) as exc:
        raise LayoutChanged(f"unreadable document row: {exc}") from exc
    doc_id = (raw["id"] or "").strip()
    return DocumentRef(
        supplier_document_id=doc_id,
        metadata=metadata,
        download_url=raw["download"] or "",
        filename=f"{metadata.number or doc_id}.pdf".replace("/", "-"),
    )


def recent(
    refs: list[DocumentRef], since: date, absolute: Callable[[str], str]
) -> tuple[list[DocumentRef], bool]:
    """The refs issued on or after `since`, with absolute download URLs, and whether
    the page held an older one (on a newest-first list: no need to page further)."""
    kept = [
        r.model_copy(update={"download_url": absolute(r.download_url)})
        for r in refs
        if r.metadata.issued_on >= since
    ]
    return kept, len(kept) < len(refs)
