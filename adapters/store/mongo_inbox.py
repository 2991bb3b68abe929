"""MongoInboxStore and MongoNotificationStore: effects recorded under a unique id."""

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from adapters.store.ports import Delivery
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

    async def list(self, tenant_id: str) -> list[InboxItem]:
        cursor = self._c.find({"tenant_id": tenant_id}).sort("metadata.issued_on", 1)
        return [InboxItem.model_validate(doc) async for doc in cursor]


class MongoNotificationStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["notifications"]

    async def claim(self, disruption_id: str, connection_id: str) -> Delivery:
        doc = {
            "_id": disruption_id,
            "connection_id": connection_id,
            "created_at": datetime.now(UTC),
        }
        return await _insert_once(self._c, doc, "sent")

    async def mark_sent(self, disruption_id: str) -> None:
        await self._c.update_one(
            {"_id": disruption_id},
            {"$set": {"sent": True, "sent_at": datetime.now(UTC)}},
        )
