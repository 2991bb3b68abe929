"""The whole chain of stages in one process, on the in-memory bus and stores: the
pipeline table (agents/pipeline.py) routes each event as bytes to the next stage,
with no broker and no database. What Faust adds is tested in test_wiring.py."""

from datetime import date

from adapters.documents.reader import DocumentReader
from adapters.mail.templates import compose
from adapters.portals.protocol import InvalidCredentials
from adapters.store.memory import InMemoryConnectionStore, InMemorySupplierStore
from adapters.store.memory_records import (
    InMemoryDocumentStore,
    InMemoryFileStore,
    InMemoryInboxStore,
    InMemoryNotificationStore,
)
from agents.dedupe import DedupeHandler
from agents.inbox import InboxHandler
from agents.notifier import Lookups, NotifierHandler
from agents.pipeline import SUBSCRIPTIONS
from agents.schedule_policy import SchedulePolicy
from agents.scheduler import SchedulerHandler
from schemas.records import ConnectionStatus
from streams.memory_bus import InMemoryBus
from streams.publish import Outgoing
from tests.unit.factories import NOW, created
from tests.unit.test_dedupe_inbox_notifier import Outbox
from tests.unit.test_fetcher import ScriptedPortal, fetcher_of, ref


class PdfPortal(ScriptedPortal):
    """Downloads are real (if plain) PDFs, one text each: distinct bytes."""

    async def download(self, r):
        from fpdf import FPDF

        await super().download(r)
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.cell(0, 8, f"A letter, {r.supplier_document_id}, without an amount.")
        return bytes(pdf.output())


def pipeline(portal):
    connections, documents = InMemoryConnectionStore(), InMemoryDocumentStore()
    files, inbox, outbox = InMemoryFileStore(), InMemoryInboxStore(), Outbox()
    suppliers, clock = InMemorySupplierStore(), lambda: NOW
    handlers = {
        "scheduler": SchedulerHandler(
            connections, SchedulePolicy(), suppliers, clock=clock
        ),
        "fetcher": fetcher_of(portal, connections, documents, files, suppliers, clock),
        "dedupe": DedupeHandler(
            documents,
            files,
            DocumentReader(1024 * 1024, ["Northwind Energy"]),
            connections,
            clock=clock,
        ),
        "inbox": InboxHandler(connections, inbox),
        "notifier": NotifierHandler(
            connections,
            InMemoryNotificationStore(),
            outbox,
            compose=compose,
            lookups=Lookups(
                documents=documents,
                inbox=inbox,
                supplier_name=lambda _: "Northwind Energy",
                settle_seconds=5,
            ),
            clock=clock,
        ),
    }
    return InMemoryBus(SUBSCRIPTIONS, handlers), connections, inbox, outbox


async def test_a_new_connection_reaches_the_inbox_and_the_person_is_told():
    portal = PdfPortal([ref(n, date(2025, 2, n)) for n in range(1, 4)])
    bus, connections, inbox, outbox = pipeline(portal)
    await bus.publish(Outgoing("connection-created", "c1", created()))
    await bus.run()

    assert [e.supplier_document_id for e in bus.events("document-found")] == [
        "d1",
        "d2",
        "d3",
    ]
    posted = bus.events("inbox-posted")
    assert sorted(e.item.supplier_document_id for e in posted) == ["d1", "d2", "d3"]
    assert len(await inbox.list("t1")) == 3
    conn = await connections.get("c1")
    assert conn.status is ConnectionStatus.CONNECTED and conn.documents_found == 3
    assert [m.subject for m in outbox.sent] == [
        "Northwind Energy is connected: 3 documents in the inbox"
    ]
    assert bus.events("dead-letter") == []

    # A second run of the same connection adds nothing.
    await bus.publish(Outgoing("fetch-requested", "c1", _fetch_now()))
    await bus.run()
    assert len(bus.events("inbox-posted")) == 3


async def test_a_wrong_login_disrupts_and_mails_once():
    portal = ScriptedPortal(fail_login=InvalidCredentials("no", field="password"))
    bus, connections, inbox, outbox = pipeline(portal)
    await bus.publish(Outgoing("connection-created", "c1", created()))
    await bus.run()
    (failed,) = bus.events("auth-failed")
    assert failed.error_code == "invalid_credentials"
    assert (await connections.get("c1")).status is ConnectionStatus.DISRUPTED
    assert len(outbox.sent) == 1 and "Northwind Energy" in outbox.sent[0].subject
    assert await inbox.list("t1") == []


def _fetch_now():
    from schemas.events import FetchRequested

    return FetchRequested(tenant_id="t1", connection_id="c1")
