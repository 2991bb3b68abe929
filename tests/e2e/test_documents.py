"""Documents through the real dedupe and inbox stages: every kind of duplicate and
near-miss, every kind of bad file, each mode; read facts carried to the inbox."""

from decimal import Decimal

from schemas.records import DedupeMode
from tests.bus import read_topic
from tests.conftest import MAX_DOCUMENT_BYTES
from tests.e2e.documents import INVOICE, Books, encrypted, pdf


async def test_copies_are_caught_and_near_misses_stay_apart(stack, db):
    books = await Books(stack, db).open("c1", "c2")
    original = await books.arrive("orig", pdf())
    await books.arrive("exact", pdf(), conn="c2")  # the same bytes, another route
    await books.arrive("regen", pdf(layout="letter", variant=1))
    await books.arrive("no-number", pdf(variant=2, number=None))
    # The same number, total and date from another supplier.
    other = pdf(supplier="Cobalt Water", tax_id=None)
    await books.arrive("other-supplier", other, supplier="cobalt-water")
    near = {
        "other-number": {"number": "NW-2025-0043"},
        "credit-note": {
            "kind": "credit_note",
            "number": "CN-2025-0042",
            "total": -INVOICE.total,
        },
        "credit-same-number": {"kind": "credit_note"},
        "next-month": {
            "number": "NW-2025-0051",
            "issued_on": INVOICE.issued_on.replace(month=4),
        },
    }
    for name, change in near.items():
        await books.arrive(name, pdf(**change))
    near["other-supplier"] = {}

    inbox = await books.inbox(8)
    assert set(inbox) == {"orig", "regen", "no-number", *near}
    assert inbox["orig"]["verdict"] == "new"
    for copy in ("regen", "no-number"):  # flagged, posted, pointing at the original
        assert inbox[copy]["verdict"] == "suspected_duplicate"
        assert inbox[copy]["duplicate_of"] == original
    for name in near:
        assert inbox[name]["verdict"] == "new", name
    exact = await books.judged("exact")  # dropped, and remembered why
    assert exact["verdict"] == "duplicate" and exact["duplicate_of"] == original
    assert not exact["post"]

    facts = inbox["orig"]["facts"]
    assert facts["number"]["value"] == "NW-2025-0042"
    assert Decimal(facts["total"]["value"]) == INVOICE.total
    assert facts["currency"]["value"] == "GBP"
    assert facts["issue_date"]["value"] == "2025-03-05"
    assert facts["due_date"]["value"] == "2025-04-04"
    assert facts["supplier_tax_id"]["value"] == "GB123456789"
    assert all(facts[f]["confidence"] >= 0.8 for f in ("number", "total"))
    posted = await read_topic(
        stack.kafka,
        "inbox-posted",
        lambda e: e.get("tenant_id") == books.tenant,
        until=lambda found: len(found) >= 8,
    )
    assert {p["item"]["verdict"] for p in posted} == {"new", "suspected_duplicate"}
    assert all(p["version"] == 3 and p["item"]["facts"] for p in posted)
    assert {p["item"]["facts"]["read_from"] for p in posted} == {"text"}


async def test_bad_files_are_rejected_with_a_reason_and_reported(stack, db):
    books = await Books(stack, db).open("c1")
    bad = {
        "html": b"<!doctype html><html><body>Please sign in</body></html>",
        "empty": b"",
        "broken": b"%PDF-1.7\n%\xe2\xe3\n1 0 obj << /Type /Catalog >> garbage",
        "locked": encrypted(pdf()),
        "huge": b"%PDF-1.4\n" + b"0" * (MAX_DOCUMENT_BYTES + 1),
    }
    for name, data in bad.items():
        await books.arrive(name, data)
    await books.arrive("good", pdf())  # the stage goes on behind them

    rejected = await read_topic(
        stack.kafka,
        "document-rejected",
        lambda e: e.get("tenant_id") == books.tenant,
        until=lambda found: len(found) >= len(bad),
    )
    reasons = {r["supplier_document_id"]: r["reason"] for r in rejected}
    assert reasons == {
        "html": "not_a_document",
        "empty": "empty",
        "broken": "unreadable",
        "locked": "encrypted",
        "huge": "too_large",
    }
    assert all(r["detail"] for r in rejected)
    inbox = await books.inbox(1)
    assert set(inbox) == {"good"}
    conn = await db["connections"].find_one({"_id": f"{books.tenant}-c1"})
    assert conn["rejected_documents"] == len(bad)
    assert conn["last_rejection"].startswith("too_large")


async def test_each_mode(stack, db):
    review = await Books(stack, db, DedupeMode.REVIEW).open("c1", "c2")
    off = await Books(stack, db, DedupeMode.OFF).open("c1", "c2")
    for books in (review, off):
        await books.arrive("orig", pdf())
        await books.arrive("exact", pdf(), conn="c2")
        await books.arrive("regen", pdf(layout="table", variant=4))
    in_review = await review.inbox(3)
    assert [in_review[n]["verdict"] for n in ("orig", "exact", "regen")] == [
        "new",
        "duplicate",  # posted for a person to see, not dropped
        "suspected_duplicate",
    ]
    in_off = await off.inbox(3)
    assert {in_off[n]["verdict"] for n in ("orig", "exact", "regen")} == {"new"}
