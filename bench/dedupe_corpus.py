"""Duplicate detection and field reading over the labelled corpus, through the real
dedupe handler (reader, keys, verdicts) with in-memory stores.

Run: python -m bench.dedupe_corpus      (part of make bench)
Prints precision and recall of duplicate detection, what each kind of copy gets, false
merges on the near-misses, and the accuracy of every extracted field."""

import asyncio
import json
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from adapters.documents.reader import DocumentReader
from adapters.store.memory import InMemoryConnectionStore
from adapters.store.memory_records import InMemoryDocumentStore, InMemoryFileStore
from agents.dedupe import DedupeHandler, document_id_for
from agents.schedule_policy import SchedulePolicy, new_connection
from bench.corpus.generate import SUPPLIERS, generate
from schemas.envelope import utcnow
from schemas.events import ConnectionCreated, DocumentFound
from schemas.records import (
    ConnectorKind,
    DocumentMetadata,
    FileRef,
    SealedSecret,
    Verdict,
)

FIELDS = {  # DocumentFacts field -> label field
    "supplier": "supplier",
    "document_type": "kind",
    "number": "number",
    "issue_date": "issued_on",
    "due_date": "due_on",
    "currency": "currency",
    "total": "total",
    "tax_total": "tax_total",
    "supplier_tax_id": "tax_id",
}


async def _connections(labels: list[dict]) -> InMemoryConnectionStore:
    """The corpus's connections, as the scheduler would have made them."""
    store = InMemoryConnectionStore()
    for conn_id in sorted({item["connection_id"] for item in labels}):
        supplier = next(
            i["supplier_id"] for i in labels if i["connection_id"] == conn_id
        )
        event = ConnectionCreated(
            tenant_id="bench",
            connection_id=conn_id,
            supplier_id=supplier,
            connector_kind=ConnectorKind.COST,
            document_owner="Bench Ltd",
            notify_email="bench@example.com",
            collect_from=date(2000, 1, 1),
            credentials=SealedSecret(key_id="bench", ciphertext="YmVuY2g="),
        )
        await store.create(new_connection(event, utcnow(), SchedulePolicy()))
    return store


async def run(corpus: Path) -> dict:
    labels = json.loads((corpus / "labels.json").read_text())
    files, documents = InMemoryFileStore(), InMemoryDocumentStore()
    handler = DedupeHandler(
        documents,
        files,
        DocumentReader(20 * 1024 * 1024, [name for _, name, *_ in SUPPLIERS]),
        await _connections(labels),
    )
    seen_groups: set[str] = set()
    outcome = defaultdict(Counter)  # role -> verdicts
    field_ok, field_all = Counter(), Counter()
    started = time.perf_counter()
    for item in labels:
        data = (corpus / item["file"]).read_bytes()
        ref = await files.put(data, item["file"], "application/pdf")
        found = DocumentFound(
            tenant_id="bench",
            connection_id=item["connection_id"],
            supplier_id=item["supplier_id"],
            supplier_document_id=item["portal_id"],
            # The portal's list gives the date only: every other fact is read.
            metadata=DocumentMetadata(
                issued_on=date.fromisoformat(item["truth"]["issued_on"])
            ),
            file=FileRef(sha256=ref.sha256, size=len(data), filename=item["file"]),
        )
        _ = [o async for o in handler.on_document_found(found)]
        record = await documents.get(document_id_for(found))
        role = item["role"].split(":")[0]
        truly_copy = item["group"] in seen_groups
        seen_groups.add(item["group"])
        outcome[role if truly_copy or role != "original" else "original"][
            record.verdict.value
        ] += 1
        for fact, label in FIELDS.items():
            got = getattr(record.facts, fact).value
            want = item["truth"][label]
            field_all[fact] += 1
            field_ok[fact] += got == want
    took = time.perf_counter() - started
    return {
        "outcome": outcome,
        "ok": field_ok,
        "all": field_all,
        "n": len(labels),
        "took": took,
    }


def report(r: dict) -> None:
    o = r["outcome"]
    dup = {Verdict.DUPLICATE.value, Verdict.SUSPECTED_DUPLICATE.value}

    def caught(role: str) -> tuple[int, int]:
        return sum(n for v, n in o[role].items() if v in dup), sum(o[role].values())

    exact, regen = caught("exact_copy"), caught("regenerated")
    false_near, false_orig = caught("near_miss"), caught("original")
    tp = exact[0] + regen[0]
    fp = false_near[0] + false_orig[0]
    fn = (exact[1] - exact[0]) + (regen[1] - regen[0])
    print(f"Corpus: {r['n']} documents, read and judged in {r['took']:.1f}s")
    print(f"  exact duplicates caught:        {exact[0]}/{exact[1]} ({_pct(*exact)})")
    print(f"  regenerated duplicates caught:  {regen[0]}/{regen[1]} ({_pct(*regen)})")
    print(f"  false merges on near-misses:    {false_near[0]}/{false_near[1]}")
    print(f"  false merges on originals:      {false_orig[0]}/{false_orig[1]}")
    print(f"  precision {_pct(tp, tp + fp)}, recall {_pct(tp, tp + fn)}")
    print("  verdicts: " + "; ".join(f"{k}: {dict(v)}" for k, v in sorted(o.items())))
    print("Fields read correctly:")
    for fact in FIELDS:
        ok, n = r["ok"][fact], r["all"][fact]
        print(f"  {fact:16s} {ok}/{n} ({_pct(ok, n)})")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        report(asyncio.run(run(Path(tmp))))


if __name__ == "__main__":
    main()
