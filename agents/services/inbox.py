"""Reading the inbox: a tenant's documents page by page, one document's file, and an
e-invoice shown as a page."""

import asyncio

from adapters.documents.einvoice_html import render
from adapters.documents.ports import RejectedFile
from adapters.store.ports import FileStore, InboxStore, inbox_cursor, parse_inbox_cursor
from agents.services.errors import Invalid, NotFound
from schemas.records import FileRef, InboxItem


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

    async def file(
        self, tenant_id: str, item_id: str, sha256: str | None = None
    ) -> tuple[FileRef, bytes]:
        """The item's file, or (by sha256) one of its other formats."""
        item = await self.items.get(tenant_id, item_id)
        refs = [item.file, *item.formats] if item else []
        ref = next((r for r in refs if sha256 in (None, r.sha256)), None)
        data = await self.files.get(ref.sha256) if ref else None
        if ref is None or data is None:
            raise NotFound("document")
        return ref, data

    async def e_invoice_xml(self, tenant_id: str, item_id: str) -> bytes:
        """The e-invoice XML of an item: the file itself, or the XML kept beside
        the PDF it came in."""
        item = await self.items.get(tenant_id, item_id)
        e_invoice = item.facts.e_invoice if item and item.facts else None
        if e_invoice is None:
            raise NotFound("e-invoice")
        if e_invoice.embedded:
            ref = e_invoice.xml
        else:  # an XML file: the item's own, or attached beside its PDF
            refs = [item.file, *item.formats]
            ref = next((r for r in refs if r.content_type == "application/xml"), None)
        xml = await self.files.get(ref.sha256) if ref else None
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
