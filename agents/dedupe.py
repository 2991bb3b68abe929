"""Dedupe stage: read each fetched file (or reject it with a reason), then judge it
against the tenant's documents by portal id, bytes and fields, per the tenant's mode."""

import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

from adapters.documents.ports import Reader, RejectedFile
from adapters.store.connection_changes import change
from adapters.store.ports import (
    ConnectionStore,
    DocumentRecord,
    DocumentStore,
    FileStore,
)
from agents.dedupe_policy import judge, keys
from schemas.envelope import utcnow
from schemas.events import DocumentAccepted, DocumentFound, DocumentRejected
from schemas.records import DedupeMode, DocumentFacts
from streams.publish import Outgoing
from streams.stage import Unprocessable

log = logging.getLogger(__name__)
ModeOf = Callable[[str], Awaitable[DedupeMode]]


async def automatic(_: str) -> DedupeMode:
    return DedupeMode.AUTOMATIC


def document_id_for(found: DocumentFound) -> str:
    """Deterministic: the same portal document of the same connection has one id."""
    key = f"{found.tenant_id}/{found.connection_id}/{found.supplier_document_id}"
    return "doc_" + hashlib.sha256(key.encode()).hexdigest()[:32]


class DedupeHandler:
    def __init__(
        self,
        documents: DocumentStore,
        files: FileStore,
        reader: Reader,
        connections: ConnectionStore,
        mode_of: ModeOf = automatic,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.documents, self.files, self.reader = documents, files, reader
        self.connections, self.mode_of, self.clock = connections, mode_of, clock

    async def on_document_found(self, found: DocumentFound) -> AsyncIterator[Outgoing]:
        conn = await self.connections.get(found.connection_id)
        if conn is None or conn.tenant_id != found.tenant_id:
            # Judged, it would be dropped later for want of an inbox owner.
            raise Unprocessable(
                f"document-found for unknown connection {found.connection_id}"
            )
        doc_id = document_id_for(found)
        # Layer 1: a portal document already judged is never judged again.
        record = await self.documents.get(doc_id) or await self._judge(found, doc_id)
        if record.accepted_sent:
            return
        if record.rejection is not None:
            reason = record.rejection
            await change(
                self.connections,
                found.connection_id,
                lambda c: c.record_rejection(reason),
            )
            yield Outgoing(
                "document-rejected",
                found.tenant_id,
                found.caused(
                    DocumentRejected,
                    supplier_id=found.supplier_id,
                    supplier_document_id=found.supplier_document_id,
                    file=found.file,
                    reason=record.rejection.split(":", 1)[0],
                    detail=record.rejection.split(":", 1)[-1].strip(),
                ),
            )
        elif record.post:
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
                    facts=record.facts,
                ),
            )
        else:
            log.info("%s dropped: same bytes as %s", doc_id, record.duplicate_of)
        await self.documents.mark_sent(doc_id)

    async def _judge(self, found: DocumentFound, doc_id: str) -> DocumentRecord:
        base = {
            "document_id": doc_id,
            "tenant_id": found.tenant_id,
            "connection_id": found.connection_id,
            "supplier_document_id": found.supplier_document_id,
            "sha256": found.file.sha256,
            "created_at": self.clock(),
        }
        try:
            facts = await self._read(found)
        except RejectedFile as bad:
            record = DocumentRecord(
                **base, verdict="new", rejection=f"{bad.code}: {bad.detail}"
            )
        else:
            record = await self._compare(found, facts, base)
        if not await self.documents.insert(record):
            # Someone recorded it between our read and write: theirs stands.
            record = await self.documents.get(doc_id)
            if record is None:
                raise LookupError(f"{doc_id} conflicts with another record")
        return record

    async def _read(self, found: DocumentFound) -> DocumentFacts:
        self.reader.check_size(found.file.size)  # before loading a huge file
        data = await self.files.get(found.file.sha256)
        if data is None:  # retried, then dead-lettered: never dropped in silence
            raise LookupError(f"file {found.file.sha256} is not in the file store")
        return self.reader.read(data)

    async def _compare(self, found, facts, base) -> DocumentRecord:
        k = keys(found.supplier_id, facts, found.metadata)
        tenant = found.tenant_id
        same_bytes = await self.documents.find_new_by_sha(tenant, found.file.sha256)
        same_fields = None
        if k.strong is not None:
            same_fields = await self.documents.find_new_by_key(tenant, k.strong)
        if same_fields is None and k.weak is not None:
            # A copy without its number matches on the rest; two numbers never do.
            same_fields = await self.documents.find_new_by_weak_key(
                tenant, k.weak, numberless_only=k.has_number
            )
        verdict = judge(
            await self.mode_of(tenant),
            same_bytes.document_id if same_bytes else None,
            same_fields.document_id if same_fields else None,
        )
        return DocumentRecord(
            **base,
            verdict=verdict.verdict,
            duplicate_of=verdict.duplicate_of,
            post=verdict.post,
            facts=facts,
            strong_key=k.strong,
            weak_key=k.weak,
            has_number=k.has_number,
        )
