"""Inbox stage: post each accepted document to the tenant's inbox exactly once."""

from collections.abc import AsyncIterator

from adapters.store.ports import ConnectionStore, Delivery, InboxStore
from schemas.connection import Connection
from schemas.events import DocumentAccepted, InboxPosted
from schemas.records import InboxItem
from streams.publish import Outgoing
from streams.stage import Unprocessable


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
        conn = await self.connections.get(accepted.connection_id)
        if conn is None or conn.tenant_id != accepted.tenant_id:
            raise UnknownConnection(
                f"document-accepted for unknown connection {accepted.connection_id}"
            )
        item = inbox_item(accepted, conn)
        if await self.inbox.insert(accepted.tenant_id, item) is Delivery.DONE:
            return
        yield Outgoing(
            "inbox-posted", accepted.tenant_id, accepted.caused(InboxPosted, item=item)
        )
        await self.inbox.mark_posted(item.item_id)
