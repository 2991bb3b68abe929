"""Inbox stage: post each accepted document to the tenant's inbox exactly once, a
batch of events at a time."""

from collections.abc import AsyncIterator

from adapters.store.ports import Attachment, ConnectionStore, Delivery, InboxStore
from schemas.connection import Connection
from schemas.events import DocumentAccepted, InboxPosted
from schemas.records import InboxItem, Verdict
from streams.publish import Outgoing
from streams.stage import Effects, Unprocessable


class UnknownConnection(Unprocessable):
    pass


def inbox_item(accepted: DocumentAccepted, conn: Connection) -> InboxItem:
    return InboxItem(
        item_id=accepted.document_id,  # one item per document: the idempotency key
        document_id=accepted.document_id,
        connection_id=accepted.connection_id,
        owner=conn.document_owner,
        kind=conn.connector_kind,
        supplier_id=accepted.supplier_id,
        supplier_document_id=accepted.supplier_document_id,
        metadata=accepted.metadata,
        file=accepted.file,
        facts=accepted.facts,
        verdict=accepted.verdict,
        duplicate_of=accepted.duplicate_of,
    )


class InboxHandler:
    def __init__(self, connections: ConnectionStore, inbox: InboxStore) -> None:
        self.connections, self.inbox = connections, inbox

    async def on_document_accepted(
        self, accepted: DocumentAccepted
    ) -> AsyncIterator[Outgoing]:
        effects = await self.on_documents_accepted([accepted])
        for out in effects.outgoing:
            yield out
        if effects.then is not None:
            await effects.then()

    async def on_documents_accepted(self, batch: list[DocumentAccepted]) -> Effects:
        """Post a batch: one read of the connections, one insert, one update; then
        attach the other formats of invoices already posted (after the insert: the
        item one attaches to may be in this very batch)."""
        attaching = [a for a in batch if a.verdict is Verdict.SAME_INVOICE]
        batch = [a for a in batch if a.verdict is not Verdict.SAME_INVOICE]
        effects = await self._post(batch) if batch else Effects([], None)
        if not attaching:
            return effects
        attached = [await self._attach(a) for a in attaching]
        outgoing = effects.outgoing + [out for out, _ in attached if out is not None]
        marks = [mark for _, mark in attached if mark is not None]

        async def then() -> None:
            if effects.then is not None:
                await effects.then()
            for mark in marks:
                await mark()

        return Effects(outgoing, then if (effects.then or marks) else None)

    async def _attach(self, accepted: DocumentAccepted):
        """The same invoice in another format: onto the first one's item, which is
        posted again with it (consumers keep the newest item per item_id)."""
        facts = accepted.facts
        exact = facts is not None and facts.read_from == "e-invoice"
        delivery, item = await self.inbox.attach(
            accepted.tenant_id,
            accepted.duplicate_of,
            Attachment(accepted.document_id, accepted.file, facts if exact else None),
        )
        if delivery is Delivery.DONE:
            return None, None
        out = Outgoing(
            "inbox-posted", accepted.tenant_id, accepted.caused(InboxPosted, item=item)
        )

        async def mark() -> None:
            await self.inbox.mark_attached(item.item_id, accepted.document_id)

        return out, mark

    async def _post(self, batch: list[DocumentAccepted]) -> Effects:
        conns = await self.connections.get_many({a.connection_id for a in batch})
        items: dict[str, tuple[str, InboxItem, DocumentAccepted]] = {}
        for accepted in batch:
            conn = conns.get(accepted.connection_id)
            if conn is None or conn.tenant_id != accepted.tenant_id:
                raise UnknownConnection(
                    f"document-accepted for unknown connection {accepted.connection_id}"
                )
            item = inbox_item(accepted, conn)
            items.setdefault(item.item_id, (accepted.tenant_id, item, accepted))
        deliveries = await self.inbox.insert_many(
            [(t, i) for t, i, _ in items.values()]
        )
        outgoing, posted = [], []
        for (tenant, item, accepted), delivery in zip(
            items.values(), deliveries, strict=True
        ):
            if delivery is Delivery.DONE:
                continue
            posted.append(item.item_id)
            outgoing.append(
                Outgoing(
                    "inbox-posted", tenant, accepted.caused(InboxPosted, item=item)
                )
            )

        async def mark_posted() -> None:
            await self.inbox.mark_posted(posted)

        return Effects(outgoing, mark_posted if posted else None)
