"""Per-supplier state in MongoDB: layout failures and pauses (MongoSupplierStore),
and the request slots every worker takes its pace from (MongoRequestBudget)."""

from datetime import datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

CONTENDED = 100  # attempts at one reservation before the run fails and backs off


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


class MongoRequestBudget:
    """The RequestBudget of adapters.portals.pacing: one document per supplier with
    the end of the last reservation, moved by compare-and-set, so no two workers
    ever hold the same slot. Times are the workers' clocks (kept by NTP)."""

    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["request_budgets"]

    async def reserve(
        self, supplier_id: str, count: int, spacing: float, now: float
    ) -> float:
        # Read, then a conditional update: a plain update's filter is atomic on
        # every MongoDB-protocol server, a findAndModify's returned document is not
        # on all (SecantusDB answers concurrent ones with the same pre-image).
        for _ in range(CONTENDED):
            doc = await self._c.find_one({"_id": supplier_id})
            held = doc["next_at"] if doc else None
            start = now if held is None else max(held, now)
            end = start + count * spacing
            if held is None:
                try:
                    await self._c.insert_one({"_id": supplier_id, "next_at": end})
                except DuplicateKeyError:
                    continue  # another worker's first reservation came first
                return start
            done = await self._c.update_one(
                {"_id": supplier_id, "next_at": held}, {"$set": {"next_at": end}}
            )
            if done.modified_count == 1:
                return start
        raise RuntimeError(f"request budget of {supplier_id} too contended")
