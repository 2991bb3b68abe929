"""A first run that needed several tries counts every document it handed on, not
only its last try's: the first-fetch mail waits for that many to be judged."""

from datetime import date

from adapters.portals.protocol import PortalUnavailable
from adapters.store.ports import DocumentRecord
from agents.dedupe import document_id_for
from schemas.records import ConnectionStatus, Verdict
from tests.unit.factories import NOW, drain, found
from tests.unit.test_fetcher import ScriptedPortal, ref, setup


class BreaksAfter(ScriptedPortal):
    """Downloads `good` documents, then the portal fails (an interrupted run)."""

    def __init__(self, refs, good):
        super().__init__(refs)
        self.good = good

    async def download(self, r):
        if len(self.downloads) >= self.good:
            raise PortalUnavailable("503")
        return await super().download(r)


async def test_an_interrupted_first_run_counts_what_earlier_tries_handed_on():
    refs = [ref(n, date(2025, 1, n)) for n in range(1, 6)]
    portal = BreaksAfter(refs, good=3)
    store, fetcher, due = await setup(portal)
    first = await drain(fetcher.on_fetch_due(due))
    handed_on = [o.event for o in first if o.topic == "document-found"]
    assert len(handed_on) == 3 and store.rows["c1"].status is ConnectionStatus.PENDING
    for event in handed_on:  # dedupe judged them, as it would between the tries
        record = found(event.supplier_document_id, connection_id="c1")
        await fetcher.deps.documents.insert(
            DocumentRecord(
                document_id=document_id_for(record),
                tenant_id="t1",
                connection_id="c1",
                supplier_document_id=event.supplier_document_id,
                sha256=event.file.sha256,
                verdict=Verdict.NEW,
                created_at=NOW,
            )
        )

    portal.good = 99  # the portal mends; the retry is the run's next try
    store.rows["c1"] = store.rows["c1"].model_copy(update={"run_id": "r2"})
    again = due.model_copy(update={"correlation_id": "r2"})
    second = await drain(fetcher.on_fetch_due(again))
    assert len([o for o in second if o.topic == "document-found"]) == 2
    conn = store.rows["c1"]
    assert conn.status is ConnectionStatus.CONNECTED
    assert conn.documents_found == 5  # was 2: only the last try's
