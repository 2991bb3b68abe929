"""One contract per store port, run against every implementation (memory, MongoDB)."""

import asyncio
import uuid
from datetime import date, timedelta

import pytest
from pymongo import AsyncMongoClient

from adapters.portals.pacing import LocalBudget
from adapters.store import memory, memory_records
from adapters.store.connection_changes import (
    TransitionNotAllowed,
    change,
    change_if_allowed,
)
from adapters.store.mongo_connections import MongoConnectionStore, to_doc
from adapters.store.mongo_documents import GridFsFileStore, MongoDocumentStore
from adapters.store.mongo_inbox import MongoInboxStore, MongoNotificationStore
from adapters.store.mongo_setup import ensure_indexes
from adapters.store.mongo_suppliers import MongoRequestBudget, MongoSupplierStore
from adapters.store.ports import Delivery, DocumentRecord
from agents.schedule_policy import SchedulePolicy, new_connection
from schemas.records import (
    ChallengeMedium,
    ConnectionStatus,
    InboxItem,
    PendingChallenge,
    SealedSecret,
    Verdict,
)
from tests.contract.transitions import Steps
from tests.unit.factories import NOW, created, found

MEMORY = {
    "connections": memory.InMemoryConnectionStore,
    "documents": memory_records.InMemoryDocumentStore,
    "files": memory_records.InMemoryFileStore,
    "inbox": memory_records.InMemoryInboxStore,
    "notifications": memory_records.InMemoryNotificationStore,
    "suppliers": memory.InMemorySupplierStore,
    "budget": LocalBudget,
}
MONGO = {
    "connections": MongoConnectionStore,
    "documents": MongoDocumentStore,
    "files": GridFsFileStore,
    "inbox": MongoInboxStore,
    "notifications": MongoNotificationStore,
    "suppliers": MongoSupplierStore,
    "budget": MongoRequestBudget,
}


@pytest.fixture(params=["memory", "mongodb"])
async def stores(request):
    if request.param == "memory":
        yield {name: cls() for name, cls in MEMORY.items()}
        return
    uri = request.getfixturevalue("service_addresses")[1]
    client = AsyncMongoClient(uri, tz_aware=True)
    db = client[f"contract_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(db)
    yield {name: cls(db) for name, cls in MONGO.items()}
    await client.drop_database(db.name)
    await client.close()


def conn(connection_id="c1", **changes):
    base = new_connection(created(connection_id=connection_id), NOW, SchedulePolicy())
    return base.model_copy(update={"run_id": None, "run_lease_until": None} | changes)


async def test_connections_create_once_and_read_back(stores):
    store = stores["connections"]
    assert await store.create(conn())
    assert not await store.create(conn())
    back = await store.get("c1")
    assert back == conn() and await store.get("nope") is None


async def test_claim_due_gives_each_connection_one_run(stores):
    store = stores["connections"]
    await store.create(conn("due"))
    await store.create(conn("later", next_check_at=NOW + timedelta(hours=1)))
    await store.create(conn("broken", status=ConnectionStatus.DISRUPTED))
    await store.create(conn("busy", run_id="r0", run_lease_until=NOW + timedelta(1)))
    lease = NOW + timedelta(minutes=30)
    due = await store.due(NOW, 3)
    assert [c.connection_id for c in due] == ["due"]
    claimed = await store.claim_all([(due[0], "r1")], NOW, lease)
    assert [(c.connection_id, c.run_id) for c in claimed] == [("due", "r1")]
    assert claimed == [await store.get("due")]
    assert await store.due(NOW, 3) == []
    # Claimed meanwhile (another scheduler, a fetch now): not claimed twice.
    assert await store.claim_all([(due[0], "r4")], NOW, lease) == []
    assert (await store.get("due")).run_lease_until == lease


async def test_only_the_current_run_can_finish_disrupt_or_retry(stores):
    store = Steps(stores["connections"])
    await store.create(conn(run_id="r1"))
    later = NOW + timedelta(days=7)
    assert (
        await store.finish_run(
            "c1",
            "other",
            now=NOW,
            bookmark=None,
            next_check_at=later,
            documents_found=0,
        )
        is None
    )
    before = await store.finish_run(
        "c1",
        "r1",
        now=NOW,
        bookmark=date(2025, 3, 5),
        next_check_at=later,
        documents_found=4,
    )
    assert before.status is ConnectionStatus.PENDING
    after = await store.get("c1")
    assert (after.status, after.bookmark, after.documents_found, after.run_id) == (
        ConnectionStatus.CONNECTED,
        date(2025, 3, 5),
        4,
        None,
    )
    assert not await store.retry_later(
        "c1", "r1", at=later, error_code="x", failed_attempts=1
    )
    assert await store.touch_run("c1", "r1", later) is False


async def test_disrupt_reports_the_state_before(stores):
    store = Steps(stores["connections"])
    await store.create(conn(run_id="r1"))
    before = await store.disrupt(
        "c1", "r1", now=NOW, error_code="invalid_credentials", disruption_id="d1"
    )
    assert before.status is ConnectionStatus.PENDING
    after = await store.get("c1")
    assert after.status is ConnectionStatus.DISRUPTED and after.next_check_at is None
    assert (
        await store.disrupt("c1", "r1", now=NOW, error_code="x", disruption_id="d2")
        is None
    )


def record(doc_id, sha="a", supplier_id="inv-1", connection="c1", verdict=Verdict.NEW):
    return DocumentRecord(
        document_id=doc_id,
        tenant_id="t1",
        connection_id=connection,
        supplier_document_id=supplier_id,
        sha256=sha * 64,
        verdict=verdict,
        created_at=NOW,
    )


async def test_documents_are_unique_per_connection_and_portal_id(stores):
    docs = stores["documents"]
    assert await docs.insert(record("d1"))
    assert not await docs.insert(record("d1"))
    assert not await docs.insert(record("d2"))  # same connection + portal id
    assert await docs.insert(
        record("d3", supplier_id="inv-2", verdict=Verdict.DUPLICATE)
    )
    assert [r.document_id for r in await docs.originals("t1", ["a" * 64], [], [])] == [
        "d1"
    ]
    assert await docs.originals("t2", ["a" * 64], [], []) == []
    assert await docs.known_ids("c1", ["inv-1", "inv-9"]) == {"inv-1"}
    await docs.mark_sent(["d1"])
    assert (await docs.get("d1")).accepted_sent
    # Many at once: one taken id and one taken portal id are refused, the rest go in.
    batch = [
        record("d1"),
        record("d4", supplier_id="inv-4"),
        record("d5", supplier_id="inv-2"),
        record("d6", supplier_id="inv-6"),
    ]
    assert await docs.insert_many(batch) == [False, True, False, True]
    assert set(await docs.get_many(["d4", "d5", "d6", "d9"])) == {"d4", "d6"}


async def test_files_are_stored_once_by_content(stores):
    files = stores["files"]
    one = await files.put(b"%PDF-1 same", "a.pdf", "application/pdf")
    two = await files.put(b"%PDF-1 same", "b.pdf", "application/pdf")
    assert one.sha256 == two.sha256 and one.size == 11
    assert await files.get(one.sha256) == b"%PDF-1 same"
    assert await files.get("0" * 64) is None
    big = bytes(range(256)) * 4000  # over a megabyte: GridFS keeps it in chunks
    ref = await files.put(big, "big.pdf", "application/pdf")
    many = await files.get_many([one.sha256, ref.sha256, "0" * 64])
    assert many == {one.sha256: b"%PDF-1 same", ref.sha256: big}


async def test_inbox_and_notifications_record_each_effect_once(stores):
    f = found()
    item = InboxItem(
        item_id="d1",
        document_id="d1",
        connection_id="c1",
        owner="o",
        kind="cost",
        supplier_id=f.supplier_id,
        supplier_document_id=f.supplier_document_id,
        metadata=f.metadata,
        file=f.file,
    )
    inbox = stores["inbox"]
    assert await inbox.insert("t1", item) is Delivery.NEW
    assert await inbox.insert("t1", item) is Delivery.PENDING
    await inbox.mark_posted(["d1"])
    assert await inbox.insert("t1", item) is Delivery.DONE
    other = item.model_copy(update={"item_id": "d2", "document_id": "d2"})
    assert await inbox.insert_many([("t1", item), ("t1", other)]) == [
        Delivery.DONE,
        Delivery.NEW,
    ]
    assert await inbox.insert_many([("t1", other)]) == [Delivery.PENDING]
    assert await inbox.list("t1") == [item, other] and await inbox.list("t2") == []
    notes = stores["notifications"]
    assert await notes.claim("x", "c1") is Delivery.NEW
    await notes.mark_sent("x")
    assert await notes.claim("x", "c1") is Delivery.DONE


async def test_claims_skip_excluded_suppliers_and_running_runs_are_counted(stores):
    store = Steps(stores["connections"])
    await store.create(conn("a"))
    await store.create(conn("b", supplier_id="other"))
    lease = NOW + timedelta(minutes=30)
    due = await store.due(NOW, 2, frozenset({"other"}))
    claimed = await store.claim_all(
        [(c, f"r{i}") for i, c in enumerate(due, 1)], NOW, lease
    )
    assert [c.connection_id for c in claimed] == ["a"]
    assert await store.running_by_supplier(NOW) == {"northwind-energy": 1}
    assert await store.count_active("northwind-energy") == 1
    assert await store.release_run("a", "r1")
    assert await store.running_by_supplier(NOW) == {}


async def test_due_reads_past_full_suppliers_and_finds_expired_leases(stores):
    store = Steps(stores["connections"])
    early = NOW - timedelta(hours=1)
    for name in ("x1", "x2"):  # first in due order, but their supplier is full
        await store.create(conn(name, supplier_id="other", next_check_at=early))
    await store.create(conn("a"))
    due = await store.due(NOW, 1, frozenset({"other"}))
    assert [c.connection_id for c in due] == ["a"]
    lease = NOW + timedelta(minutes=1)
    assert await store.claim_all([(due[0], "r1")], NOW, lease)
    assert "a" not in [c.connection_id for c in await store.due(NOW, 5)]
    later = lease + timedelta(seconds=1)  # its worker died: the lease ran out
    assert [c.connection_id for c in await store.due(later, 5)] == ["x1", "x2", "a"]
    assert await store.running_by_supplier(later) == {}


async def test_connections_stored_before_claimable_at_are_given_it(
    service_addresses,
):
    client = AsyncMongoClient(service_addresses[1], tz_aware=True)
    db = client[f"contract_{uuid.uuid4().hex[:8]}"]
    try:
        old = to_doc(conn("old"))
        del old["claimable_at"]
        await db["connections"].insert_one(old)
        await ensure_indexes(db)
        due = await MongoConnectionStore(db).due(NOW, 5)
        assert [c.connection_id for c in due] == ["old"]
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_mails_stored_with_a_null_reminder_lose_it_and_stay_out_of_the_scan(
    service_addresses,
):
    """Only mails that will be reminded carry remind_at (the reminders query is a
    range on its sparse index); older rows with a stored null lose it once."""
    client = AsyncMongoClient(service_addresses[1], tz_aware=True)
    db = client[f"contract_{uuid.uuid4().hex[:8]}"]
    try:
        old = {"_id": "old", "connection_id": "c1", "remind_at": None}
        await db["notifications"].insert_one(old | {"reminders_sent": 0})
        await ensure_indexes(db)
        notes = MongoNotificationStore(db)
        await notes.claim("new", "c1")
        await notes.mark_sent("new")  # no reminder
        await notes.claim("later", "c1")
        await notes.mark_sent("later", NOW)
        holding = {"remind_at": {"$exists": True}}
        found = await db["notifications"].find(holding).to_list(None)
        assert [doc["_id"] for doc in found] == ["later"]
        (due,) = await notes.claim_reminders(NOW, timedelta(days=1), 3)
        assert due.notification_id == "later"
        await notes.stop_reminders("later")
        assert (
            await db["notifications"].count_documents({"remind_at": {"$exists": True}})
            == 0
        )
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_a_run_waits_for_a_code_and_expires(stores):
    store = Steps(stores["connections"])
    await store.create(conn("a", run_id="r1"))
    challenge = PendingChallenge(
        challenge_id="ch1",
        run_id="r1",
        medium=ChallengeMedium.SMS,
        expires_at=NOW + timedelta(minutes=5),
    )
    session = SealedSecret(key_id="k", ciphertext="c2Vzc2lvbg==")
    assert not await store.await_challenge(
        "a", "r0", challenge=challenge, portal_session=session, lease_until=NOW
    )
    assert await store.await_challenge(
        "a",
        "r1",
        challenge=challenge,
        portal_session=session,
        lease_until=NOW + timedelta(minutes=6),
    )
    back = await store.get("a")
    assert back.challenge == challenge and back.portal_session == session
    assert await store.expired_challenges(NOW) == []
    expired = await store.expired_challenges(NOW + timedelta(minutes=5, seconds=1))
    assert [c.connection_id for c in expired] == ["a"]
    later = NOW + timedelta(minutes=30)
    assert not await store.take_challenge("a", "other", later)
    assert await store.take_challenge("a", "ch1", later)  # the code came, once
    assert not await store.take_challenge("a", "ch1", later)
    taken = await store.get("a")
    assert taken.challenge is None and taken.run_id == "r1"
    assert taken.run_lease_until == later
    await store.finish_run(
        "a",
        "r1",
        now=NOW,
        bookmark=None,
        next_check_at=NOW + timedelta(days=7),
        documents_found=0,
        portal_session=session,
    )
    back = await store.get("a")
    assert back.challenge is None and back.portal_session == session


async def test_suppliers_pause_once_and_resume(stores):
    store = stores["suppliers"]
    assert await store.record_layout_failure("s", "c1", NOW) == {"c1"}
    assert await store.record_layout_failure("s", "c2", NOW) == {"c1", "c2"}
    await store.clear_layout_failure("s", "c1")
    assert await store.record_layout_failure("s", "c2", NOW) == {"c2"}
    assert await store.paused() == set()
    assert await store.pause("s", "layout_changed", NOW)
    assert not await store.pause("s", "layout_changed", NOW)
    assert await store.paused() == {"s"}
    assert await store.resume("s") and not await store.resume("s")
    assert await store.paused() == set()
    assert await store.record_layout_failure("s", "c3", NOW) == {"c3"}


async def test_a_persons_changes_move_the_status_and_end_a_run(stores):
    c = stores["connections"]
    await c.create(conn("c1", run_id="r1"))
    await c.create(conn("c2").model_copy(update={"tenant_id": "t2"}))
    assert [x.connection_id for x in await c.list_by_tenant("t1")] == ["c1"]
    before, _ = await change(c, "c1", lambda x: x.pause(NOW))
    assert before.status is ConnectionStatus.PENDING and before.run_id is not None
    paused = await c.get("c1")
    assert paused.status is ConnectionStatus.PAUSED and paused.run_id is None
    with pytest.raises(TransitionNotAllowed):  # paused: not fetched
        await change(c, "c1", lambda x: x.fetch_now(NOW))
    assert await change_if_allowed(c, "c1", lambda x: x.pause(NOW)) is None
    sealed = SealedSecret(key_id="k2", ciphertext="bmV3")
    await change(c, "c1", lambda x: x.reconnect(NOW, sealed))
    fresh = await c.get("c1")
    assert fresh.credentials == sealed and fresh.next_check_at == NOW
    assert fresh.status is ConnectionStatus.PENDING
    claimed = await c.claim_one("c1", NOW, NOW + timedelta(minutes=5), "r9")
    assert claimed.run_id == "r9"
    assert await c.claim_one("c1", NOW, NOW + timedelta(minutes=5), "r10") is None
    await change(c, "c1", lambda x: x.delete(NOW))
    assert await c.list_by_tenant("t1") == []
    with pytest.raises(TransitionNotAllowed):
        await change(c, "c1", lambda x: x.reconnect(NOW, sealed))


async def test_a_save_is_refused_when_another_writer_came_first(stores):
    c = stores["connections"]
    await c.create(conn("c1", run_id="r1"))
    loaded = await c.get("c1")
    assert await c.save(loaded.record_rejection("not a pdf"))
    # Saved from the same version again: the first write stands.
    assert not await c.save(loaded.release("r1"))
    back = await c.get("c1")
    assert back.rejected_documents == 1 and back.run_id == "r1"
    assert back.version == loaded.version + 1
    # A claim is a write too: a save from before it is refused.
    await change(c, "c1", lambda x: x.release("r1"))
    before_claim = await c.get("c1")
    assert await c.claim_one("c1", NOW, NOW + timedelta(minutes=5), "r2")
    assert not await c.save(before_claim.fetch_now(NOW))
    # change() loads again and re-applies: both writers' changes are kept.
    await change(c, "c1", lambda x: x.record_rejection("still not"))
    final = await c.get("c1")
    assert (final.rejected_documents, final.run_id) == (2, "r2")


async def test_inbox_pages_newest_first_and_counts_per_connection(stores):
    from adapters.store.ports import inbox_cursor

    inbox, f = stores["inbox"], found()
    for n in range(5):
        meta = f.metadata.model_copy(update={"issued_on": date(2025, 1, 1 + n % 3)})
        item = InboxItem(
            item_id=f"d{n}",
            document_id=f"d{n}",
            connection_id="c1" if n < 4 else "c2",
            owner="o",
            kind="cost",
            supplier_id=f.supplier_id,
            supplier_document_id=f"s{n}",
            metadata=meta,
            file=f.file,
        )
        await inbox.insert("t1", item)
    first = await inbox.list("t1", limit=2)
    rest = await inbox.list("t1", after=inbox_cursor(first[-1]))
    ids = [i.item_id for i in first + rest]
    assert sorted(ids) == ["d0", "d1", "d2", "d3", "d4"]
    dates = [i.metadata.issued_on for i in first + rest]
    assert dates == sorted(dates, reverse=True)
    assert await inbox.count_by_connection("t1") == {"c1": 4, "c2": 1}
    assert await inbox.count_by_connection("t1", "c2") == {"c2": 1}
    assert (
        await inbox.get("t1", "d0") is not None and await inbox.get("t2", "d0") is None
    )
    assert len(await inbox.list("t1", connection_id="c2")) == 1


async def test_reminders_come_due_and_stop_at_the_limit(stores):
    notes = stores["notifications"]
    await notes.claim("x", "c1")
    await notes.mark_sent("x", NOW + timedelta(days=1))
    assert await notes.claim_reminders(NOW, timedelta(days=1), 2) == []
    later = NOW + timedelta(days=1, seconds=1)
    (first,) = await notes.claim_reminders(later, timedelta(days=1), 2)
    assert first.reminders_sent == 1
    assert await notes.claim_reminders(later, timedelta(days=1), 2) == []
    (second,) = await notes.claim_reminders(
        later + timedelta(days=1), timedelta(days=1), 2
    )
    assert second.reminders_sent == 2
    assert (
        await notes.claim_reminders(later + timedelta(days=9), timedelta(days=1), 2)
        == []
    )


async def test_field_keys_find_the_original_and_skip_rejected_files(stores):
    docs = stores["documents"]
    first = record("d1", sha="a").model_copy(
        update={"strong_key": "s|1", "weak_key": "w", "has_number": True}
    )
    bad = record("d0", sha="b", supplier_id="inv-0").model_copy(
        update={"strong_key": "s|1", "weak_key": "w", "rejection": "empty: no bytes"}
    )
    bare = record("d2", sha="c", supplier_id="inv-2").model_copy(
        update={"weak_key": "w2", "has_number": False}
    )
    for rec in (bad, first, bare):
        assert await docs.insert(rec)

    async def originals(tenant="t1", shas=(), strong=(), weak=()):
        found = await docs.originals(tenant, list(shas), list(strong), list(weak))
        return [r.document_id for r in found]

    assert await originals(strong=["s|1"]) == ["d1"]  # d0 is rejected: no original
    assert await originals("t2", strong=["s|1"]) == []
    assert await originals(weak=["w", "w2"]) == ["d1", "d2"]
    assert await originals(shas=["b" * 64]) == []
    assert await originals(shas=["a" * 64], strong=["s|1"], weak=["w"]) == ["d1"]


async def test_outcomes_count_how_a_connections_documents_were_judged(stores):
    docs = stores["documents"]
    judged = [
        record("d1", sha="a", supplier_id="inv-1"),
        record("d2", sha="b", supplier_id="inv-2", verdict=Verdict.SUSPECTED_DUPLICATE),
        record(
            "d3", sha="a", supplier_id="inv-3", verdict=Verdict.DUPLICATE
        ).model_copy(update={"post": False}),
        record("d4", sha="c", supplier_id="inv-4").model_copy(
            update={"rejection": "not_a_document: an HTML page"}
        ),
        record("d5", sha="d", supplier_id="inv-5", connection="c2"),
    ]
    for rec in judged:
        assert await docs.insert(rec)
    out = await docs.outcomes("c1")
    assert (out.judged, out.to_post, out.flagged, out.dropped, out.rejected) == (
        4,
        2,
        1,
        1,
        1,
    )
    assert (await docs.outcomes("c2")).judged == 1
    assert (await docs.outcomes("nobody")).judged == 0


async def test_request_slots_are_held_by_one_reservation_each(stores):
    """Workers reserving a supplier's request slots at once never get the same ones:
    the windows follow one another, and an idle budget starts at now."""
    budget, spacing = stores["budget"], 0.1
    assert await budget.reserve("p", 2, spacing, 1000.0) == 1000.0
    assert await budget.reserve("p", 1, spacing, 1000.05) == 1000.2  # queued behind
    assert await budget.reserve("other", 1, spacing, 1000.05) == 1000.05

    async def worker(i: int) -> list[tuple[float, float]]:
        held = []
        for n in range(5):
            count = 1 + (i + n) % 3
            start = await budget.reserve("p", count, spacing, 1000.1)
            held.append((start, start + count * spacing))
        return held

    held = await asyncio.gather(*map(worker, range(4)))
    windows = sorted(window for each in held for window in each)
    assert windows[0][0] >= 1000.3
    for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
        assert start >= end - 1e-9
    assert await budget.reserve("p", 1, spacing, 5000.0) == 5000.0  # idle: now
