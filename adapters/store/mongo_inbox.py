"""MongoInboxStore and MongoNotificationStore: effects recorded under a unique id."""

from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from adapters.store.mongo_models import insert_each
from adapters.store.ports import Attachment, Delivery, Reminder, parse_inbox_cursor
from schemas.records import InboxItem


async def _insert_all_once(
    collection, docs: list[dict], done_field: str
) -> list[Delivery]:
    """Insert each document; for one whose _id exists, say whether its effect was
    confirmed. One write, and one read for those that existed."""
    fresh = await insert_each(collection, [{**d, done_field: False} for d in docs])
    taken = [d["_id"] for d, new in zip(docs, fresh, strict=True) if not new]
    done: set = set()
    if taken:
        query = {"_id": {"$in": taken}, done_field: True}
        done = {d["_id"] async for d in collection.find(query, {"_id": 1})}
    return [
        Delivery.NEW if new else Delivery.DONE if d["_id"] in done else Delivery.PENDING
        for d, new in zip(docs, fresh, strict=True)
    ]


class MongoInboxStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["inbox"]

    async def insert(self, tenant_id: str, item: InboxItem) -> Delivery:
        return (await self.insert_many([(tenant_id, item)]))[0]

    async def insert_many(self, items: list[tuple[str, InboxItem]]) -> list[Delivery]:
        now = datetime.now(UTC)
        docs = [
            item.model_dump(mode="json")
            | {"_id": item.item_id, "tenant_id": tenant, "posted_at": now}
            for tenant, item in items
        ]
        return await _insert_all_once(self._c, docs, "posted")

    async def mark_posted(self, item_ids: list[str]) -> None:
        await self._c.update_many(
            {"_id": {"$in": list(item_ids)}}, {"$set": {"posted": True}}
        )

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

    async def attach(
        self, tenant_id: str, item_id: str, attached: Attachment
    ) -> tuple[Delivery, InboxItem]:
        # Keyed by the attachment's document id: one write adds it at most once
        # (a filter the same write makes false), and says whether this was the one.
        mark = f"attached.{attached.document_id}"
        change: dict = {
            "$push": {"formats": attached.file.model_dump(mode="json")},
            "$set": {mark: False},
        }
        if attached.facts is not None:
            change["$set"]["facts"] = attached.facts.model_dump(mode="json")
        result = await self._c.update_one(
            {"_id": item_id, "tenant_id": tenant_id, mark: {"$exists": False}}, change
        )
        doc = await self._c.find_one({"_id": item_id, "tenant_id": tenant_id})
        if doc is None:
            raise LookupError(f"inbox item {item_id} is not there to attach to")
        if result.modified_count == 1:
            delivery = Delivery.NEW
        else:
            posted = (doc.get("attached") or {}).get(attached.document_id)
            delivery = Delivery.DONE if posted else Delivery.PENDING
        return delivery, InboxItem.model_validate(doc)

    async def mark_attached(self, item_id: str, document_id: str) -> None:
        await self._c.update_one(
            {"_id": item_id}, {"$set": {f"attached.{document_id}": True}}
        )

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
            "reminders_sent": 0,  # no remind_at: see _reminding
        }
        return (await _insert_all_once(self._c, [doc], "sent"))[0]

    async def mark_sent(
        self, notification_id: str, remind_at: datetime | None = None
    ) -> None:
        sent = {"sent": True, "sent_at": datetime.now(UTC)}
        await self._c.update_one({"_id": notification_id}, _reminding(remind_at, sent))

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
        await self._c.update_one({"_id": notification_id}, _reminding(None))


def _reminding(remind_at: datetime | None, also: dict | None = None) -> dict:
    """The update that sets when to remind, or removes the field: the reminders
    query is a range on a sparse index, which a server answers from the index only
    for rows that have the field (a stored null made it a scan of every mail)."""
    fields = dict(also or {})
    if remind_at is not None:
        return {"$set": fields | {"remind_at": remind_at}}
    return ({"$set": fields} if fields else {}) | {"$unset": {"remind_at": ""}}
