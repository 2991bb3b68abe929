"""In-memory stores of documents, files, inbox items and notifications: for unit tests
of handlers and the benchmark, held to the same contracts as MongoDB."""

import hashlib
from datetime import datetime, timedelta

from adapters.store.ports import (
    Attachment,
    Delivery,
    DocumentOutcomes,
    DocumentRecord,
    Reminder,
    parse_inbox_cursor,
)
from schemas.records import FileRef, InboxItem, Verdict


class InMemoryDocumentStore:
    def __init__(self) -> None:
        self.rows: dict[str, DocumentRecord] = {}

    async def get(self, document_id: str) -> DocumentRecord | None:
        return self.rows.get(document_id)

    async def get_many(self, document_ids: list[str]) -> dict[str, DocumentRecord]:
        return {i: self.rows[i] for i in document_ids if i in self.rows}

    async def originals(
        self,
        tenant_id: str,
        sha256s: list[str],
        strong_keys: list[str],
        weak_keys: list[str],
    ) -> list[DocumentRecord]:
        shas, strong, weak = set(sha256s), set(strong_keys), set(weak_keys)
        return [
            rec
            for rec in sorted(self.rows.values(), key=lambda r: r.created_at)
            if rec.tenant_id == tenant_id
            and rec.verdict is Verdict.NEW
            and rec.rejection is None
            and (rec.sha256 in shas or rec.strong_key in strong or rec.weak_key in weak)
        ]

    async def insert(self, record: DocumentRecord) -> bool:
        return (await self.insert_many([record]))[0]

    async def insert_many(self, records: list[DocumentRecord]) -> list[bool]:
        return [self._insert(record) for record in records]

    def _insert(self, record: DocumentRecord) -> bool:
        key = (record.connection_id, record.supplier_document_id)
        taken = any(
            (r.connection_id, r.supplier_document_id) == key for r in self.rows.values()
        )
        if record.document_id in self.rows or taken:
            return False
        self.rows[record.document_id] = record
        return True

    async def mark_sent(self, document_ids: list[str]) -> None:
        for document_id in document_ids:
            rec = self.rows[document_id]
            self.rows[document_id] = rec.model_copy(update={"accepted_sent": True})

    async def known_ids(self, connection_id: str, supplier_ids: list[str]) -> set[str]:
        wanted = set(supplier_ids)
        return {
            r.supplier_document_id
            for r in self.rows.values()
            if r.connection_id == connection_id and r.supplier_document_id in wanted
        }

    async def outcomes(self, connection_id: str) -> DocumentOutcomes:
        return DocumentOutcomes.of(
            r for r in self.rows.values() if r.connection_id == connection_id
        )


class InMemoryFileStore:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    async def put(self, data: bytes, filename: str, content_type: str) -> FileRef:
        sha = hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(sha, data)
        return FileRef(
            sha256=sha, size=len(data), content_type=content_type, filename=filename
        )

    async def get(self, sha256: str) -> bytes | None:
        return self.blobs.get(sha256)

    async def get_many(self, sha256s: list[str]) -> dict[str, bytes]:
        return {sha: data for sha in sha256s if (data := await self.get(sha))}


class _OnceStore:
    def __init__(self) -> None:
        self.done: dict[str, bool] = {}

    def _claim(self, key: str) -> Delivery:
        if key not in self.done:
            self.done[key] = False
            return Delivery.NEW
        return Delivery.DONE if self.done[key] else Delivery.PENDING


class InMemoryInboxStore(_OnceStore):
    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, tuple[str, InboxItem]] = {}

    async def insert(self, tenant_id: str, item: InboxItem) -> Delivery:
        self.items.setdefault(item.item_id, (tenant_id, item))
        return self._claim(item.item_id)

    async def insert_many(self, items: list[tuple[str, InboxItem]]) -> list[Delivery]:
        return [await self.insert(tenant_id, item) for tenant_id, item in items]

    async def mark_posted(self, item_ids: list[str]) -> None:
        for item_id in item_ids:
            self.done[item_id] = True

    async def attach(
        self, tenant_id: str, item_id: str, attached: Attachment
    ) -> tuple[Delivery, InboxItem]:
        if item_id not in self.items or self.items[item_id][0] != tenant_id:
            raise LookupError(f"inbox item {item_id} is not there to attach to")
        key = f"{item_id}/{attached.document_id}"
        delivery = self._claim(key)
        if delivery is Delivery.NEW:
            item = self.items[item_id][1]
            change: dict = {"formats": [*item.formats, attached.file]}
            if attached.facts is not None:
                change["facts"] = attached.facts
            self.items[item_id] = (tenant_id, item.model_copy(update=change))
        return delivery, self.items[item_id][1]

    async def mark_attached(self, item_id: str, document_id: str) -> None:
        self.done[f"{item_id}/{document_id}"] = True

    async def list(
        self,
        tenant_id: str,
        *,
        connection_id: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[InboxItem]:
        mine = [
            item
            for tenant, item in self.items.values()
            if tenant == tenant_id
            and (connection_id is None or item.connection_id == connection_id)
        ]
        mine.sort(key=lambda i: i.item_id)
        mine.sort(key=lambda i: i.metadata.issued_on, reverse=True)
        if after is not None:
            issued, item_id = parse_inbox_cursor(after)
            mine = [
                i
                for i in mine
                if (d := i.metadata.issued_on.isoformat()) < issued
                or (d == issued and i.item_id > item_id)
            ]
        return mine[:limit] if limit is not None else mine

    async def get(self, tenant_id: str, item_id: str) -> InboxItem | None:
        tenant, item = self.items.get(item_id, ("", None))
        return item if tenant == tenant_id else None

    async def count_by_connection(
        self, tenant_id: str, connection_id: str | None = None
    ) -> dict[str, int]:
        counts: dict[str, int] = {}
        for tenant, item in self.items.values():
            if tenant == tenant_id and connection_id in (None, item.connection_id):
                counts[item.connection_id] = counts.get(item.connection_id, 0) + 1
        return counts


class InMemoryNotificationStore(_OnceStore):
    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict] = {}

    async def claim(self, notification_id: str, connection_id: str) -> Delivery:
        self.rows.setdefault(
            notification_id,
            {"connection_id": connection_id, "remind_at": None, "sent": 0},
        )
        return self._claim(notification_id)

    async def mark_sent(
        self, notification_id: str, remind_at: datetime | None = None
    ) -> None:
        self.done[notification_id] = True
        self.rows[notification_id]["remind_at"] = remind_at

    async def claim_reminders(
        self, now: datetime, every: timedelta, limit: int
    ) -> list[Reminder]:
        due = []
        for key, row in self.rows.items():
            if row["remind_at"] is not None and row["remind_at"] <= now:
                row["sent"] += 1
                row["remind_at"] = now + every if row["sent"] < limit else None
                due.append(
                    Reminder(
                        notification_id=key,
                        connection_id=row["connection_id"],
                        reminders_sent=row["sent"],
                    )
                )
        return due

    async def stop_reminders(self, notification_id: str) -> None:
        self.rows[notification_id]["remind_at"] = None
