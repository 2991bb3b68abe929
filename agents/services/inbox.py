"""Reading the inbox: a tenant's documents page by page, and one document's file."""

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
