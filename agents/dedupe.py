"""Dedupe stage: read each fetched file (or reject it with a reason), then judge it
against the tenant's documents by portal id, bytes and fields, per the tenant's mode;
a batch of events at a time, with one query per kind of key."""

import asyncio
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
from agents.dedupe_policy import file_format, judge, keys, same_as
from schemas.envelope import utcnow
from schemas.events import DocumentAccepted, DocumentFound, DocumentRejected
from schemas.records import DedupeMode, DocumentFacts, Verdict
from streams.publish import Outgoing
from streams.stage import Effects, Unprocessable

log = logging.getLogger(__name__)
ModeOf = Callable[[str], Awaitable[DedupeMode]]


async def automatic(_: str) -> DedupeMode:
    return DedupeMode.AUTOMATIC


# (supplier id, portal variant) -> the variant's region: how its dates are written,
# which languages its scans are in.
RegionOf = Callable[[str, str], str | None]


def no_region(_: str, __: str) -> str | None:
    return None


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
        region_of: RegionOf = no_region,
    ) -> None:
        self.documents, self.files, self.reader = documents, files, reader
        self.connections, self.mode_of, self.clock = connections, mode_of, clock
        self.region_of = region_of

    async def on_document_found(self, found: DocumentFound) -> AsyncIterator[Outgoing]:
        effects = await self.on_documents_found([found])
        for out in effects.outgoing:
            yield out
        if effects.then is not None:
            await effects.then()

    async def on_documents_found(self, batch: list[DocumentFound]) -> Effects:
        """Judge a batch in order, as if one at a time: each document is compared
        with the tenant's originals and with those judged new before it here."""
        ids = [document_id_for(found) for found in batch]
        # Three independent reads at once. Layer 1: a portal document already
        # judged is never judged again; the files are those of all that fit (in
        # the usual flow none was judged before: the fetcher skips known ones).
        conns, records, files = await asyncio.gather(
            self.connections.get_many({f.connection_id for f in batch}),
            self.documents.get_many(ids),
            self.files.get_many([f.file.sha256 for f in batch if self._fits(f)]),
        )
        for found in batch:
            conn = conns.get(found.connection_id)
            if conn is None or conn.tenant_id != found.tenant_id:
                # Judged, it would be dropped later for want of an inbox owner.
                raise Unprocessable(
                    f"document-found for unknown connection {found.connection_id}"
                )
        fresh: dict[str, DocumentFound] = {}
        for found, doc_id in zip(batch, ids, strict=True):
            if doc_id not in records:
                fresh.setdefault(doc_id, found)
        if fresh:
            regions = {
                i: self.region_of(c.supplier_id, c.portal_variant)
                for i, f in fresh.items()
                if (c := conns.get(f.connection_id))
            }
            records |= await self._judge(fresh, files, regions)
        outgoing: list[Outgoing] = []
        sent: list[str] = []
        for found, doc_id in zip(batch, ids, strict=True):
            record = records[doc_id]
            if record.accepted_sent or doc_id in sent:
                continue
            sent.append(doc_id)
            if out := await self._outcome(found, record):
                outgoing.append(out)

        async def mark_sent() -> None:
            await self.documents.mark_sent(sent)

        return Effects(outgoing, mark_sent if sent else None)

    async def _outcome(self, found: DocumentFound, record) -> Outgoing | None:
        doc_id = record.document_id
        if record.rejection is not None:
            reason = record.rejection
            await change(
                self.connections,
                found.connection_id,
                lambda c: c.record_rejection(reason),
            )
            return Outgoing(
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
        if record.post:
            return Outgoing(
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
        log.info("%s dropped: same bytes as %s", doc_id, record.duplicate_of)
        return None

    async def _judge(
        self, fresh: dict[str, DocumentFound], files: dict[str, bytes], regions: dict
    ) -> dict[str, DocumentRecord]:
        """Read, compare and record the documents not judged before: one query per
        kind of key and tenant, one insert for all."""
        loaded = {i: await self._load(f, files) for i, f in fresh.items()}
        # Parsing is CPU work: in a thread, so that fetch runs, timers and the other
        # stages go on meanwhile (and the database works on their writes).
        read = await asyncio.to_thread(self._read_all, loaded, regions)
        read = await self._keep_xml(fresh, read)
        tenants = {f.tenant_id for f in fresh.values()}
        originals, modes = {}, {}
        for tenant in tenants:
            mine = [(i, f) for i, f in fresh.items() if f.tenant_id == tenant]
            found_keys = [
                keys(f.supplier_id, read[i], f.metadata)
                for i, f in mine
                if isinstance(read[i], DocumentFacts)
            ]
            originals[tenant] = await self.documents.originals(
                tenant,
                [f.file.sha256 for _, f in mine],
                [k.strong for k in found_keys if k.strong],
                [k.weak for k in found_keys if k.weak],
            )
            modes[tenant] = await self.mode_of(tenant)
        judged: dict[str, DocumentRecord] = {}
        for doc_id, found in fresh.items():
            record = self._record(found, doc_id, read[doc_id], originals, modes)
            judged[doc_id] = record
            if record.verdict is Verdict.NEW and record.rejection is None:
                originals[found.tenant_id].append(record)
        inserted = await self.documents.insert_many(list(judged.values()))
        lost = [i for i, ok in zip(judged, inserted, strict=True) if not ok]
        if lost:  # someone recorded them between our read and write: theirs stand
            theirs = await self.documents.get_many(lost)
            if missing := set(lost) - set(theirs):
                raise LookupError(f"{sorted(missing)} conflict with other records")
            judged |= theirs
        return judged

    def _record(self, found, doc_id, read, originals, modes) -> DocumentRecord:
        base = {
            "document_id": doc_id,
            "tenant_id": found.tenant_id,
            "connection_id": found.connection_id,
            "supplier_document_id": found.supplier_document_id,
            "sha256": found.file.sha256,
            "created_at": self.clock(),
        }
        if isinstance(read, str):  # not a document we accept: why
            return DocumentRecord(**base, verdict=Verdict.NEW, rejection=read)
        k = keys(found.supplier_id, read, found.metadata)
        same_bytes, same_fields = same_as(
            k, found.file.sha256, originals[found.tenant_id]
        )
        original = next(
            (o for o in originals[found.tenant_id] if o.document_id == same_fields),
            None,
        )
        other_format = (
            original is not None
            and original.connection_id == found.connection_id
            and file_format(original.facts) != file_format(read)
        )
        verdict = judge(modes[found.tenant_id], same_bytes, same_fields, other_format)
        return DocumentRecord(
            **base,
            verdict=verdict.verdict,
            duplicate_of=verdict.duplicate_of,
            post=verdict.post,
            facts=read,
            strong_key=k.strong,
            weak_key=k.weak,
            has_number=k.has_number,
        )

    def _fits(self, found: DocumentFound) -> bool:
        """Small enough to load (a larger one is rejected without loading it)."""
        try:
            self.reader.check_size(found.file.size)
        except RejectedFile:
            return False
        return True

    async def _load(self, found: DocumentFound, files: dict) -> bytes | str:
        """The file's bytes, or why it is rejected unread."""
        try:
            self.reader.check_size(found.file.size)  # before loading a huge file
        except RejectedFile as bad:
            return f"{bad.code}: {bad.detail}"
        sha = found.file.sha256
        data = files[sha] if sha in files else await self.files.get(sha)
        if data is None:  # retried, then dead-lettered: never dropped in silence
            raise LookupError(f"file {found.file.sha256} is not in the file store")
        return data

    def _read_all(self, loaded: dict[str, bytes | str], regions: dict) -> dict:
        """The facts read from each file (with any e-invoice XML found inside it),
        or why it is rejected."""
        read: dict[str, tuple[DocumentFacts, bytes | None] | str] = {}
        for doc_id, data in loaded.items():
            if isinstance(data, str):
                read[doc_id] = data
                continue
            try:
                read[doc_id] = self.reader.read_document(data, regions.get(doc_id))
            except RejectedFile as bad:
                read[doc_id] = f"{bad.code}: {bad.detail}"
        return read

    async def _keep_xml(self, fresh: dict[str, DocumentFound], read: dict) -> dict:
        """An e-invoice's XML found inside a PDF is stored beside the file, so it can
        be handed on as it came; the facts point at it."""
        out: dict[str, DocumentFacts | str] = {}
        for doc_id, result in read.items():
            if isinstance(result, str):
                out[doc_id] = result
                continue
            facts, xml = result
            if xml is not None and facts.e_invoice is not None:
                name = fresh[doc_id].file.filename.rsplit(".", 1)[0] + ".xml"
                ref = await self.files.put(xml, name, "application/xml")
                e_invoice = facts.e_invoice.model_copy(update={"xml": ref})
                facts = facts.model_copy(update={"e_invoice": e_invoice})
            out[doc_id] = facts
        return out
