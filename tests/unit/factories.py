"""Builders for unit tests: events and connections with sensible defaults."""

from datetime import UTC, date, datetime

from adapters.store.memory import InMemoryConnectionStore
from adapters.store.memory_records import InMemoryDocumentStore, InMemoryFileStore
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


class PlainFiles(InMemoryFileStore):
    """Every sha256 holds a one-line PDF with no facts: only bytes and portal ids
    can match, as before documents were read."""

    async def get(self, sha256: str) -> bytes | None:
        return self.blobs.get(sha256) or plain_pdf()


def plain_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, "A letter without an amount.")
    return bytes(pdf.output())


def known_connections(*pairs: tuple[str, str]) -> InMemoryConnectionStore:
    """A store holding connections (tenant, connection): c1, c2 of t1 and c9 of t2
    by default, the ones the events built here name."""
    from agents.schedule_policy import SchedulePolicy, new_connection

    store = InMemoryConnectionStore()
    for tenant, conn in pairs or (("t1", "c1"), ("t1", "c2"), ("t2", "c9")):
        made = new_connection(
            created(tenant_id=tenant, connection_id=conn), NOW, SchedulePolicy()
        )
        store.rows[conn] = made
    return store


def dedupe_handler(documents=None, files=None, connections=None, mode_of=None):
    from adapters.documents.reader import DocumentReader
    from agents.dedupe import DedupeHandler, automatic

    return DedupeHandler(
        documents if documents is not None else InMemoryDocumentStore(),
        files if files is not None else PlainFiles(),
        DocumentReader(1024 * 1024, ["Northwind Energy"]),
        connections if connections is not None else known_connections(),
        mode_of or automatic,
        clock=lambda: NOW,
    )
