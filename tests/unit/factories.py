"""Builders for unit tests: events and connections with sensible defaults."""

from datetime import UTC, date, datetime

from schemas.events import ConnectionCreated, DocumentFound
from schemas.records import (
    ConnectorKind,
    DocumentMetadata,
    FileRef,
    SealedSecret,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def created(**kw) -> ConnectionCreated:
    fields = dict(
        tenant_id="t1",
        connection_id="c1",
        supplier_id="northwind-energy",
        connector_kind=ConnectorKind.COST,
        document_owner="ACME Ltd",
        notify_email="books@example.com",
        collect_from=date(2025, 1, 1),
        credentials=SealedSecret(key_id="k1", ciphertext="Y2lwaGVy"),
    )
    return ConnectionCreated(**(fields | kw))


def found(doc_id: str = "inv-1", sha: str = "a", **kw) -> DocumentFound:
    fields = dict(
        tenant_id="t1",
        connection_id="c1",
        supplier_id="northwind-energy",
        supplier_document_id=doc_id,
        metadata=DocumentMetadata(number=doc_id.upper(), issued_on=date(2025, 2, 5)),
        file=FileRef(sha256=sha * 64, size=10, filename=f"{doc_id}.pdf"),
    )
    return DocumentFound(**(fields | kw))


async def drain(outgoing) -> list:
    return [out async for out in outgoing]
