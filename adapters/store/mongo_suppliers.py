"""MongoSupplierStore: per-supplier layout failures and pauses in MongoDB."""

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase


class MongoSupplierStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["suppliers"]

    async def record_layout_failure(
        self, supplier_id: str, connection_id: str, at: datetime
    ) -> set[str]:
        doc = await self._c.find_one_and_update(
            {"_id": supplier_id},
            {
                "$addToSet": {"layout_failures": connection_id},
                "$set": {"last_layout_failure_at": at},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return set(doc.get("layout_failures", []))

    async def clear_layout_failure(self, supplier_id: str, connection_id: str) -> None:
        await self._c.update_one(
            {"_id": supplier_id, "layout_failures": connection_id},
            {"$pull": {"layout_failures": connection_id}},
        )

    async def pause(self, supplier_id: str, reason: str, at: datetime) -> bool:
        before = await self._c.find_one_and_update(
            {"_id": supplier_id},
            {"$set": {"paused": True, "paused_reason": reason, "paused_at": at}},
            upsert=True,
            return_document=ReturnDocument.BEFORE,
        )
        return before is None or not before.get("paused", False)

    async def resume(self, supplier_id: str) -> bool:
        before = await self._c.find_one_and_update(
            {"_id": supplier_id},
            {"$set": {"paused": False, "layout_failures": []}},
            return_document=ReturnDocument.BEFORE,
        )
        return before is not None and bool(before.get("paused"))

    async def paused(self) -> set[str]:
        cursor = self._c.find({"paused": True}, {"_id": 1})
        return {doc["_id"] async for doc in cursor}
