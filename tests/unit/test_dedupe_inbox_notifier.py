"""Dedupe, inbox and notifier decisions: each effect once, re-done if unconfirmed."""

from datetime import timedelta

from adapters.mail.smtp import Mail
from adapters.mail.templates import compose
from adapters.store.memory import InMemoryConnectionStore
from adapters.store.memory_records import (
    InMemoryDocumentStore,
    InMemoryInboxStore,
    InMemoryNotificationStore,
)
from agents.dedupe import document_id_for
from agents.inbox import InboxHandler
from agents.notifier import NotifierHandler
from agents.schedule_policy import SchedulePolicy, new_connection
from schemas.errors import REMEDY, TITLE, ErrorCode
from schemas.events import AuthFailed, DocumentAccepted
from schemas.records import ConnectionStatus, Verdict
from tests.unit.factories import NOW, created, dedupe_handler, drain, found


async def test_new_documents_are_accepted_once_per_portal_id():
    docs = dedupe_handler()
    first = await drain(docs.on_document_found(found("inv-1", "a")))
    assert [o.event.verdict for o in first] == [Verdict.NEW]
    assert first[0].event.document_id == document_id_for(found("inv-1", "a"))
    assert await drain(docs.on_document_found(found("inv-1", "a"))) == []


async def test_same_bytes_under_another_id_is_a_duplicate():
    docs = dedupe_handler()
    await drain(docs.on_document_found(found("inv-1", "a")))
    assert (
        await drain(docs.on_document_found(found("inv-2", "a", connection_id="c2")))
        == []
    )
    assert len(await drain(docs.on_document_found(found("inv-3", "b")))) == 1


async def test_same_bytes_in_another_tenant_is_new():
    docs = dedupe_handler()
    await drain(docs.on_document_found(found("inv-1", "a")))
    other = await drain(
        docs.on_document_found(found("inv-1", "a", tenant_id="t2", connection_id="c9"))
    )
    assert len(other) == 1


async def test_an_unconfirmed_acceptance_is_sent_again():
    store = InMemoryDocumentStore()
    docs = dedupe_handler(store)
    stream = docs.on_document_found(found("inv-1", "a"))
    await anext(stream)  # crash after publishing, before the record is marked sent
    assert len(await drain(docs.on_document_found(found("inv-1", "a")))) == 1


async def test_a_batch_is_judged_as_if_one_document_came_at_a_time():
    batch = [
        found("inv-1", "a"),
        found("inv-2", "a", connection_id="c2"),  # same bytes: dropped
        found("inv-1", "a"),  # the same event again
        found("inv-3", "b"),
        found("inv-1", "a", tenant_id="t2", connection_id="c9"),  # another tenant
    ]
    one_by_one, together = InMemoryDocumentStore(), InMemoryDocumentStore()
    singly = [
        o
        for f in batch
        for o in await drain(dedupe_handler(one_by_one).on_document_found(f))
    ]
    handler = dedupe_handler(together)
    effects = await handler.on_documents_found(batch)
    assert [o.event.document_id for o in effects.outgoing] == [
        o.event.document_id for o in singly
    ]
    assert len(effects.outgoing) == 3
    # Judged alike, and marked sent only once the outcomes are published.
    assert together.rows == {
        i: r.model_copy(update={"accepted_sent": False})
        for i, r in one_by_one.rows.items()
    }
    await effects.then()
    assert together.rows == one_by_one.rows
    assert (await handler.on_documents_found(batch)).outgoing == []


async def accepted() -> DocumentAccepted:
    """What dedupe emits for a new document: made by the handler, not by hand."""
    out = await drain(dedupe_handler().on_document_found(found()))
    return out[0].event


async def connections():
    store = InMemoryConnectionStore()
    await store.create(new_connection(created(), NOW, SchedulePolicy()))
    return store


async def test_inbox_posts_once_with_owner_and_kind():
    inbox = InMemoryInboxStore()
    handler = InboxHandler(await connections(), inbox)
    out = await drain(handler.on_document_accepted(await accepted()))
    item = out[0].event.item
    assert (item.owner, item.kind, item.connection_id) == ("ACME Ltd", "cost", "c1")
    assert await drain(handler.on_document_accepted(await accepted())) == []
    assert len(await inbox.list("t1")) == 1 and await inbox.list("t2") == []


async def test_inbox_posts_a_batch_once_per_document():
    inbox = InMemoryInboxStore()
    handler = InboxHandler(await connections(), inbox)
    event = await accepted()
    effects = await handler.on_documents_accepted([event, event])
    assert [o.event.item.item_id for o in effects.outgoing] == [event.document_id]
    assert (await handler.on_documents_accepted([event])).outgoing  # not confirmed
    await effects.then()
    assert (await handler.on_documents_accepted([event])).outgoing == []


class Outbox:
    def __init__(self):
        self.sent: list[Mail] = []

    async def send(self, mail):
        self.sent.append(mail)


def auth_failed(disruption="x1", code=ErrorCode.INVALID_CREDENTIALS):
    return AuthFailed(
        tenant_id="t1",
        connection_id="c1",
        disruption_id=disruption,
        supplier_id="northwind-energy",
        supplier_name="Northwind Energy",
        error_code=code,
        title=TITLE[code],
        remedy=REMEDY[code],
    )


async def test_one_mail_per_disruption():
    outbox = Outbox()
    handler = NotifierHandler(
        await connections(), InMemoryNotificationStore(), outbox, compose=compose
    )
    await drain(handler.on_auth_failed(auth_failed("x1")))
    await drain(handler.on_auth_failed(auth_failed("x1")))
    await drain(handler.on_auth_failed(auth_failed("x2")))
    assert len(outbox.sent) == 2


async def test_the_mail_names_supplier_owner_and_remedy_in_text_and_html():
    outbox = Outbox()
    handler = NotifierHandler(
        await connections(), InMemoryNotificationStore(), outbox, compose=compose
    )
    await drain(handler.on_auth_failed(auth_failed(code=ErrorCode.SSO_ACCOUNT)))
    (mail,) = outbox.sent
    assert mail.to == "books@example.com"
    assert "Northwind Energy" in mail.subject
    assert "ACME Ltd" in mail.text and REMEDY[ErrorCode.SSO_ACCOUNT] in mail.text
    assert mail.html and "ACME Ltd" in mail.html
    assert REMEDY[ErrorCode.SSO_ACCOUNT].split(",")[0] in mail.html


async def test_reminders_while_disrupted_at_most_the_limit_then_none():
    conns, notes, outbox = await connections(), InMemoryNotificationStore(), Outbox()
    clock = [NOW]
    handler = NotifierHandler(
        conns,
        notes,
        outbox,
        compose=compose,
        reminder_every=timedelta(days=1),
        reminder_limit=2,
        clock=lambda: clock[0],
    )
    conn = conns.rows["c1"]
    conns.rows["c1"] = conn.model_copy(
        update={
            "status": ConnectionStatus.DISRUPTED,
            "disruption_id": "x1",
            "last_error": "invalid_credentials",
            "last_remedy": "Fix the password.",
        }
    )
    await drain(handler.on_auth_failed(auth_failed("x1")))
    for day in range(1, 6):
        clock[0] = NOW + timedelta(days=day, minutes=1)
        await drain(handler.on_tick())
    subjects = [m.subject for m in outbox.sent]
    assert len(subjects) == 3 and all(s.startswith("Reminder") for s in subjects[1:])
    assert "Fix the password." in outbox.sent[1].text


async def test_no_reminder_once_the_disruption_is_over():
    conns, notes, outbox = await connections(), InMemoryNotificationStore(), Outbox()
    clock = [NOW]
    handler = NotifierHandler(
        conns,
        notes,
        outbox,
        compose=compose,
        reminder_every=timedelta(days=1),
        clock=lambda: clock[0],
    )
    await drain(handler.on_auth_failed(auth_failed("x1")))  # c1 is not disrupted
    clock[0] = NOW + timedelta(days=2)
    await drain(handler.on_tick())
    await drain(handler.on_tick())
    assert len(outbox.sent) == 1
