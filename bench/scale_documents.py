"""Documents per second from document-found to inbox-posted, against what the same
database sustains for the writes one document needs, measured in the same run.

Used by bench.scale once its connections are fetched: `n` new invoices (each a PDF
stored beforehand, as the fetcher would) are announced at once, spread over those
connections, and timed until every one is in the inbox. The ceiling replays the
records they left (dedupe's record and its mark, the inbox item and its mark), in
batches of the stages' size, into a scratch collection on the same server."""

import asyncio
import time
from dataclasses import replace

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from adapters.store.mongo_documents import GridFsFileStore
from agents.dedupe import document_id_for
from bench.harness import cpu_seconds
from infra.demo_portal.data import invoices_for
from infra.demo_portal.pdf import render_invoice
from infra.local.own_worker import OwnWorker
from infra.wiring import BATCH_SIZE
from schemas.events import DocumentFound
from schemas.records import DocumentKind, DocumentMetadata


async def documents_per_second(
    own: OwnWorker, spec, tenant: str, connections: list[str], n: int
) -> dict:
    client = AsyncMongoClient(own.mongodb_uri, tz_aware=True)
    db = client["billhound"]
    events = await _stored_invoices(db, spec, tenant, connections, n)
    ids = [document_id_for(e) for e in events]
    pids = (own.worker.proc.pid, own.mongo.proc.pid)
    cpu = [cpu_seconds(pid) for pid in pids]
    started = time.monotonic()
    await own.publish_many("document-found", [(e.to_bytes(), tenant) for e in events])
    # One tenant's events keep their order through both stages: the last one in
    # the inbox means all were handled. A cheap look, so the database the stages
    # use is not busy counting; the count follows once, at the end.
    while await db["inbox"].find_one({"_id": ids[-1]}, {"_id": 1}) is None:
        if time.monotonic() - started > 900:
            raise TimeoutError("the documents did not all reach the inbox")
        await asyncio.sleep(0.05)
    elapsed = time.monotonic() - started
    busy = [
        (cpu_seconds(pid) - was) / elapsed for pid, was in zip(pids, cpu, strict=True)
    ]
    posted = await db["inbox"].count_documents({"_id": {"$in": ids}})
    if posted != n:
        raise AssertionError(f"{posted} of {n} documents reached the inbox")
    ceiling = await _database_ceiling(client["scale_ceiling"], db, ids)
    await client.close()
    return {
        "documents": n,
        "per_second": n / elapsed,
        "ceiling_per_second": ceiling,
        "ratio": n / elapsed / ceiling,
        "worker_busy": busy[0],
        "database_busy": busy[1],
    }


async def _stored_invoices(
    db: AsyncDatabase, spec, tenant: str, connections: list[str], n: int
) -> list[DocumentFound]:
    """n invoices no one has seen (new numbers, new bytes), their files stored."""
    files = GridFsFileStore(db)
    template = invoices_for(spec, spec.accounts[0])[0]
    events = []
    for i in range(n):
        invoice = replace(template, id=f"bench-{i}", number=f"BENCH-{i:06d}")
        data = render_invoice(spec.name, invoice)
        ref = await files.put(data, f"{invoice.id}.pdf", "application/pdf")
        events.append(
            DocumentFound(
                tenant_id=tenant,
                # A run finds its connection's documents together, as here.
                connection_id=connections[i * len(connections) // n],
                supplier_id=spec.supplier_id,
                supplier_document_id=invoice.id,
                metadata=DocumentMetadata(
                    number=invoice.number,
                    kind=DocumentKind(invoice.kind),
                    issued_on=invoice.issued_on,
                    total=invoice.total,
                    currency=invoice.currency,
                ),
                file=ref,
            )
        )
    return events


async def _database_ceiling(
    scratch: AsyncDatabase, db: AsyncDatabase, ids: list[str]
) -> float:
    """Documents per second when the database does nothing but their writes: the
    same records, inserted and marked in batches as large as the stages'."""
    rows = {}
    for name in ("documents", "inbox"):
        found = await db[name].find({"_id": {"$in": ids}}).to_list(None)
        by_id = {doc["_id"]: doc for doc in found}
        rows[name] = [by_id[i] for i in ids]
        # The scratch collections carry the same indexes as the real ones.
        for spec in (await db[name].index_information()).values():
            if spec["key"] != [("_id", 1)]:
                unique = spec.get("unique", False)
                await scratch[name].create_index(spec["key"], unique=unique)
    started = time.monotonic()
    for start in range(0, len(ids), BATCH_SIZE):
        batch = slice(start, start + BATCH_SIZE)
        for name, done in (("documents", "accepted_sent"), ("inbox", "posted")):
            await scratch[name].insert_many(
                [doc | {done: False} for doc in rows[name][batch]]
            )
            await scratch[name].update_many(
                {"_id": {"$in": ids[batch]}}, {"$set": {done: True}}
            )
    return len(ids) / (time.monotonic() - started)
