"""Helpers for the document tests: a tenant with its mode, quiet connections, files in
GridFS and document-found events, as the fetcher would publish them."""

import hashlib
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

from pypdf import PdfReader, PdfWriter

from adapters.store.mongo_connections import MongoConnectionStore
from adapters.store.mongo_documents import GridFsFileStore
from adapters.store.mongo_tenancy import MongoTenantStore
from agents.dedupe import document_id_for
from bench.corpus.layouts import Doc, render
from schemas.connection import Connection
from schemas.envelope import utcnow
from schemas.events import DocumentFound
from schemas.records import (
    ConnectionStatus,
    ConnectorKind,
    DedupeMode,
    DocumentMetadata,
    FetchSchedule,
    SealedSecret,
    Tenant,
)
from tests.bus import produce
from tests.e2e.test_pipeline import wait_for
from tests.e2e.upstream import unique

INVOICE = Doc(
    supplier="Northwind Energy",
    tax_id="GB123456789",
    kind="invoice",
    number="NW-2025-0042",
    issued_on=date(2025, 3, 5),
    due_on=date(2025, 4, 4),
    currency="GBP",
    total=Decimal("1234.56"),
    tax_total=Decimal("205.76"),
)


class Books:
    """One tenant's documents arriving through the real dedupe and inbox stages."""

    def __init__(self, stack, db, mode: DedupeMode = DedupeMode.AUTOMATIC) -> None:
        self.stack, self.db, self.mode = stack, db, mode
        self.tenant = unique("books")
        self.sent: dict[str, DocumentFound] = {}

    async def open(self, *connections: str) -> "Books":
        await MongoTenantStore(self.db).save(
            Tenant(
                tenant_id=self.tenant,
                name="Books",
                api_key_sha256=hashlib.sha256(self.tenant.encode()).hexdigest(),
                created_at=utcnow(),
                dedupe_mode=self.mode,
            )
        )
        for conn in connections:
            await MongoConnectionStore(self.db).create(
                quiet_connection(self.tenant, conn)
            )
        return self

    async def arrive(
        self, name: str, data: bytes, conn: str = "c1", supplier="northwind-energy"
    ) -> str:
        """Publish document-found for these bytes; the document id dedupe will use."""
        ref = await GridFsFileStore(self.db).put(data, f"{name}.pdf", "application/pdf")
        found = DocumentFound(
            tenant_id=self.tenant,
            connection_id=f"{self.tenant}-{conn}",
            supplier_id=supplier,
            supplier_document_id=name,
            metadata=DocumentMetadata(issued_on=date(2025, 3, 5)),
            file=ref,
        )
        self.sent[name] = found
        await produce(
            self.stack.kafka, "document-found", found.to_bytes(), self.tenant.encode()
        )
        return document_id_for(found)

    async def inbox(self, count: int) -> dict[str, dict]:
        """The inbox once it holds count items, by portal id."""

        async def enough():
            rows = await self.db["inbox"].find({"tenant_id": self.tenant}).to_list(None)
            return rows if len(rows) >= count else None

        rows = await wait_for(enough) or []
        return {r["supplier_document_id"]: r for r in rows}

    async def judged(self, name: str) -> dict:
        """Dedupe's record of a document, once the outcome is published."""
        doc_id = document_id_for(self.sent[name])

        async def done():
            row = await self.db["documents"].find_one({"_id": doc_id})
            return row if row and row.get("accepted_sent") else None

        return await wait_for(done)


def quiet_connection(tenant: str, conn: str) -> Connection:
    """A connection the scheduler leaves alone (paused): documents come by hand."""
    return Connection(
        connection_id=f"{tenant}-{conn}",
        tenant_id=tenant,
        supplier_id="northwind-energy",
        portal_variant="default",
        connector_kind=ConnectorKind.COST,
        document_owner="Harbour Cafe Ltd",
        notify_email="books@example.com",
        collect_from=date(2025, 1, 1),
        schedule=FetchSchedule(),
        credentials=SealedSecret(key_id="none", ciphertext="bm9uZQ=="),
        status=ConnectionStatus.PAUSED,
        created_at=utcnow(),
    )


def pdf(doc: Doc = INVOICE, layout: str = "classic", variant: int = 0, **changes):
    return render(replace(doc, **changes), layout, variant)


def encrypted(data: bytes) -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(data)))
    writer.encrypt("owner-only")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
