"""Dedupe, inbox and notifier decisions: each effect once, re-done if unconfirmed."""

from adapters.mail.smtp import Mail
from adapters.store.memory import (
    InMemoryConnectionStore,
    InMemoryDocumentStore,
    InMemoryInboxStore,
    InMemoryNotificationStore,
)
from agents.dedupe import DedupeHandler, document_id_for
from agents.inbox import InboxHandler
from agents.notifier import NotifierHandler, disruption_mail
from agents.scheduler import SchedulePolicy, new_connection
from schemas.errors import REMEDY, TITLE, ErrorCode
from schemas.events import AuthFailed, DocumentAccepted
from schemas.records import Verdict
from tests.unit.factories import NOW, created, drain, found


async def test_new_documents_are_accepted_once_per_portal_id():
    docs = DedupeHandler(InMemoryDocumentStore(), clock=lambda: NOW)
    first = await drain(docs.on_document_found(found("inv-1", "a")))
    assert [o.event.verdict for o in first] == [Verdict.NEW]
    assert first[0].event.document_id == document_id_for(found("inv-1", "a"))
    assert await drain(docs.on_document_found(found("inv-1", "a"))) == []


async def test_same_bytes_under_another_id_is_a_duplicate():
    docs = DedupeHandler(InMemoryDocumentStore(), clock=lambda: NOW)
    await drain(docs.on_document_found(found("inv-1", "a")))
    assert (
        await drain(docs.on_document_found(found("inv-2", "a", connection_id="c2")))
        == []
    )
    assert len(await drain(docs.on_document_found(found("inv-3", "b")))) == 1


async def test_same_bytes_in_another_tenant_is_new():
    docs = DedupeHandler(InMemoryDocumentStore(), clock=lambda: NOW)
    await drain(docs.on_document_found(found("inv-1", "a")))
    other = await drain(
        docs.on_document_found(found("inv-1", "a", tenant_id="t2", connection_id="c9"))
    )
    assert len(other) == 1


async def test_an_unconfirmed_acceptance_is_sent_again():
    store = InMemoryDocumentStore()
    docs = DedupeHandler(store, clock=lambda: NOW)
    stream = docs.on_document_found(found("inv-1", "a"))
    await anext(stream)  # crash after publishing, before the record is marked sent
    assert len(await drain(docs.on_document_found(found("inv-1", "a")))) == 1


async def accepted() -> DocumentAccepted:
    """What dedupe emits for a new document: made by the handler, not by hand."""
    out = await drain(DedupeHandler(InMemoryDocumentStore()).on_document_found(found()))
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
    handler = NotifierHandler(await connections(), InMemoryNotificationStore(), outbox)
    await drain(handler.on_auth_failed(auth_failed("x1")))
    await drain(handler.on_auth_failed(auth_failed("x1")))
    await drain(handler.on_auth_failed(auth_failed("x2")))
    assert len(outbox.sent) == 2


def test_the_mail_names_supplier_owner_and_remedy():
    conn = new_connection(created(), NOW, SchedulePolicy())
    mail = disruption_mail(auth_failed(code=ErrorCode.SSO_ACCOUNT), conn)
    assert mail.to == "books@example.com"
    assert "Northwind Energy" in mail.subject
    assert "ACME Ltd" in mail.text and REMEDY[ErrorCode.SSO_ACCOUNT] in mail.text
