"""MongoInboxStore and MongoNotificationStore: effects recorded under a unique id."""

from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from adapters.store.ports import Delivery, Reminder, parse_inbox_cursor
from schemas.records import InboxItem


async def _insert_once(collection, doc: dict, done_field: str) -> Delivery:
    """Insert doc; if its _id exists, say whether the effect was confirmed."""
    try:
        await collection.insert_one({**doc, done_field: False})
        return Delivery.NEW
    except DuplicateKeyError:
        existing = await collection.find_one({"_id": doc["_id"]}, {done_field: 1})
        return (
            Delivery.DONE if existing and existing.get(done_field) else Delivery.PENDING
        )


class MongoInboxStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["inbox"]

    async def insert(self, tenant_id: str, item: InboxItem) -> Delivery:
        doc = item.model_dump(mode="json")
        doc["_id"] = doc["item_id"]
        doc["tenant_id"] = tenant_id
        doc["posted_at"] = datetime.now(UTC)
        return await _insert_once(self._c, doc, "posted")

    async def mark_posted(self, item_id: str) -> None:
        await self._c.update_one({"_id": item_id}, {"$set": {"posted": True}})

    async def list(
        self,
        tenant_id: str,
        *,
        connection_id: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[InboxItem]:
        query: dict = {"tenant_id": tenant_id}
        if connection_id is not None:
            query["connection_id"] = connection_id
        if after is not None:
            issued, item_id = parse_inbox_cursor(after)
            query["$or"] = [
                {"metadata.issued_on": {"$lt": issued}},
                {"metadata.issued_on": issued, "_id": {"$gt": item_id}},
            ]
        cursor = self._c.find(query).sort([("metadata.issued_on", -1), ("_id", 1)])
        if limit is not None:
            cursor = cursor.limit(limit)
        return [InboxItem.model_validate(doc) async for doc in cursor]

    async def get(self, tenant_id: str, item_id: str) -> InboxItem | None:
        doc = await self._c.find_one({"_id": item_id, "tenant_id": tenant_id})
        return InboxItem.model_validate(doc) if doc else None

    async def count_by_connection(
        self, tenant_id: str, connection_id: str | None = None
    ) -> dict[str, int]:
        query = {"tenant_id": tenant_id}
        if connection_id is not None:  # one connection: its index, not the inbox
            query["connection_id"] = connection_id
        counts: dict[str, int] = {}
        cursor = self._c.find(query, {"connection_id": 1})
        async for doc in cursor:
            counts[doc["connection_id"]] = counts.get(doc["connection_id"], 0) + 1
        return counts


class MongoNotificationStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["notifications"]

    async def claim(self, notification_id: str, connection_id: str) -> Delivery:
        doc = {
            "_id": notification_id,
            "connection_id": connection_id,
            "created_at": datetime.now(UTC),
            "remind_at": None,
            "reminders_sent": 0,
        }
        return await _insert_once(self._c, doc, "sent")

    async def mark_sent(
        self, notification_id: str, remind_at: datetime | None = None
    ) -> None:
        await self._c.update_one(
            {"_id": notification_id},
            {
                "$set": {
                    "sent": True,
                    "sent_at": datetime.now(UTC),
                    "remind_at": remind_at,
                }
            },
        )

    async def claim_reminders(
        self, now: datetime, every: timedelta, limit: int
    ) -> list[Reminder]:
        due = []
        while True:
            # One atomic move per reminder, so two workers never send the same one.
            doc = await self._c.find_one_and_update(
                {"remind_at": {"$lte": now}, "reminders_sent": {"$lt": limit}},
                {"$set": {"remind_at": now + every}, "$inc": {"reminders_sent": 1}},
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:
                return due
            if doc["reminders_sent"] >= limit:
                await self.stop_reminders(doc["_id"])
            due.append(
                Reminder(
                    notification_id=doc["_id"],
                    connection_id=doc["connection_id"],
                    reminders_sent=doc["reminders_sent"],
                )
            )

    async def stop_reminders(self, notification_id: str) -> None:
        await self._c.update_one(
            {"_id": notification_id}, {"$set": {"remind_at": None}}
        )
