"""Dedupe stage: per tenant, drop documents seen before (portal id, then sha256)."""

import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import faust

from adapters.store.ports import DocumentRecord, DocumentStore
from schemas.envelope import utcnow
from schemas.events import DocumentAccepted, DocumentFound
from schemas.records import Verdict
from streams.publish import Outgoing
from streams.stage import StageRunner, run_event
from streams.topics import Topics

log = logging.getLogger(__name__)


def document_id_for(found: DocumentFound) -> str:
    """Deterministic: the same portal document of the same connection has one id."""
    key = f"{found.tenant_id}/{found.connection_id}/{found.supplier_document_id}"
    return "doc_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def verdict_for(same_bytes: DocumentRecord | None) -> tuple[Verdict, str | None]:
    if same_bytes is None:
        return Verdict.NEW, None
    return Verdict.DUPLICATE, same_bytes.document_id


class DedupeHandler:
    def __init__(
        self, documents: DocumentStore, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.documents, self.clock = documents, clock

    async def on_document_found(self, found: DocumentFound) -> AsyncIterator[Outgoing]:
        doc_id = document_id_for(found)
        record = await self.documents.get(doc_id)
        if record is None:
            same = await self.documents.find_new_by_sha(
                found.tenant_id, found.file.sha256
            )
            verdict, duplicate_of = verdict_for(same)
            record = DocumentRecord(
                document_id=doc_id,
                tenant_id=found.tenant_id,
                connection_id=found.connection_id,
                supplier_document_id=found.supplier_document_id,
                sha256=found.file.sha256,
                verdict=verdict,
                duplicate_of=duplicate_of,
                created_at=self.clock(),
            )
            if not await self.documents.insert(record):
                # Someone recorded it between our read and write: theirs stands.
                record = await self.documents.get(doc_id)
                if record is None:
                    raise LookupError(f"{doc_id} conflicts with another record")
        if record.verdict is not Verdict.NEW:
            log.info("%s is a duplicate of %s", doc_id, record.duplicate_of)
            return
        if record.accepted_sent:
            return  # layer 1: this portal document was accepted before
        yield Outgoing(
            "document-accepted",
            found.tenant_id,
            found.caused(
                DocumentAccepted,
                document_id=doc_id,
                supplier_id=found.supplier_id,
                supplier_document_id=found.supplier_document_id,
                verdict=record.verdict,
                duplicate_of=record.duplicate_of,
                metadata=found.metadata,
                file=found.file,
            ),
        )
        await self.documents.mark_sent(doc_id)


def register(app: faust.App, topics: Topics, runner: StageRunner, handler) -> None:
    # Keyed by tenant: one tenant's documents pass one at a time, so two copies of the
    # same bytes cannot both be judged new.
    @app.agent(topics["document-found"], name="dedupe", concurrency=1)
    async def dedupe(stream):
        async for event in stream.events():
            await run_event(runner, DocumentFound, event, handler.on_document_found)
