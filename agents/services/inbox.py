"""Reading the inbox: a tenant's documents page by page, one document's file, and an
e-invoice shown as a page."""

import asyncio

from adapters.documents.einvoice_html import render
from adapters.documents.ports import RejectedFile
from adapters.store.ports import FileStore, InboxStore, inbox_cursor, parse_inbox_cursor
from agents.services.errors import Invalid, NotFound
from schemas.records import InboxItem


class Inbox:
    def __init__(self, items: InboxStore, files: FileStore) -> None:
        self.items, self.files = items, files

    async def page(
        self,
        tenant_id: str,
        *,
        connection_id: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> tuple[list[InboxItem], str | None]:
        """Newest first; the cursor of the next page, if another follows."""
        if after is not None:
            try:
                parse_inbox_cursor(after)
            except ValueError:
                raise Invalid(
                    "invalid_request", "after: not a cursor", field="after"
                ) from None
        items = await self.items.list(
            tenant_id,
            connection_id=connection_id,
            after=after,
            limit=limit + 1,  # one more tells whether another page follows
        )
        page = items[:limit]
        return page, inbox_cursor(page[-1]) if len(items) > limit else None

    async def file(self, tenant_id: str, item_id: str) -> tuple[InboxItem, bytes]:
        item = await self.items.get(tenant_id, item_id)
        data = await self.files.get(item.file.sha256) if item else None
        if item is None or data is None:
            raise NotFound("document")
        return item, data

    async def e_invoice_xml(self, tenant_id: str, item_id: str) -> bytes:
        """The e-invoice XML of an item: the file itself, or the XML kept beside
        the PDF it came in."""
        item, data = await self.file(tenant_id, item_id)
        e_invoice = item.facts.e_invoice if item.facts else None
        if e_invoice is None:
            raise NotFound("e-invoice")
        if not e_invoice.embedded:
            return data
        xml = await self.files.get(e_invoice.xml.sha256) if e_invoice.xml else None
        if xml is None:
            raise NotFound("e-invoice")
        return xml

    async def e_invoice_page(self, tenant_id: str, item_id: str) -> str:
        """The e-invoice as a page a person reads (parsing is CPU work: a thread)."""
        xml = await self.e_invoice_xml(tenant_id, item_id)
        try:
            return await asyncio.to_thread(render, xml)
        except RejectedFile:
            raise NotFound("e-invoice") from None
