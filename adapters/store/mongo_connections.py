"""MongoConnectionStore: connections and their fetch state in MongoDB."""

from datetime import date, datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from adapters.store.mongo_models import load
from schemas.records import (
    Connection,
    ConnectionStatus,
    PendingChallenge,
    SealedSecret,
)

ACTIVE = [ConnectionStatus.PENDING.value, ConnectionStatus.CONNECTED.value]
# BSON has datetimes but no dates: keep these as real datetimes so queries compare them.
DATETIME_FIELDS = ("created_at", "next_check_at", "run_lease_until", "last_fetch_at")


def to_doc(conn: Connection) -> dict[str, Any]:
    doc = conn.model_dump(mode="json")
    for name in DATETIME_FIELDS:
        doc[name] = getattr(conn, name)
    doc["_id"] = doc.pop("connection_id")
    return doc


def from_doc(doc: dict[str, Any] | None) -> Connection | None:
    return load(Connection, "connection_id", doc)


class MongoConnectionStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["connections"]

    async def create(self, conn: Connection) -> bool:
        try:
            await self._c.insert_one(to_doc(conn))
        except DuplicateKeyError:
            return False
        return True

    async def get(self, connection_id: str) -> Connection | None:
        return from_doc(await self._c.find_one({"_id": connection_id}))

    async def list_by_tenant(self, tenant_id: str) -> list[Connection]:
        cursor = self._c.find(
            {"tenant_id": tenant_id, "status": {"$ne": ConnectionStatus.DELETED.value}}
        ).sort([("created_at", 1), ("_id", 1)])
        return [c for doc in await cursor.to_list(None) if (c := from_doc(doc))]

    async def change_status(
        self,
        connection_id: str,
        *,
        allowed: frozenset[ConnectionStatus],
        to: ConnectionStatus,
        now: datetime,
        due: bool = False,
        credentials: SealedSecret | None = None,
    ) -> Connection | None:
        changes: dict[str, Any] = {
            "status": to.value,
            # A run in flight ends here: its finish no longer matches a run id.
            "run_id": None,
            "run_lease_until": None,
            "challenge": None,
        }
        if due:
            changes["next_check_at"] = now
        if credentials is not None:
            changes |= {
                "credentials": credentials.model_dump(mode="json"),
                "portal_session": None,
                "last_error": None,
                "last_remedy": None,
                "disruption_id": None,
                "failed_attempts": 0,
            }
        before = await self._c.find_one_and_update(
            {"_id": connection_id, "status": {"$in": sorted(allowed)}},
            {"$set": changes},
            return_document=ReturnDocument.BEFORE,
        )
        return from_doc(before)

    async def record_rejection(
        self, connection_id: str, reason: str, at: datetime
    ) -> None:
        await self._c.update_one(
            {"_id": connection_id},
            {"$inc": {"rejected_documents": 1}, "$set": {"last_rejection": reason}},
        )

    async def request_fetch(self, connection_id: str, now: datetime) -> bool:
        result = await self._c.update_one(
            {"_id": connection_id, "status": {"$in": ACTIVE}},
            {"$set": {"next_check_at": now}},
        )
        return result.matched_count == 1

    async def claim_one(
        self, connection_id: str, now: datetime, lease_until: datetime, run_id: str
    ) -> Connection | None:
        doc = await self._c.find_one_and_update(
            {
                "_id": connection_id,
                "status": {"$in": ACTIVE},
                "next_check_at": {"$lte": now},
                "$or": [{"run_id": None}, {"run_lease_until": {"$lt": now}}],
            },
            {"$set": {"run_id": run_id, "run_lease_until": lease_until}},
            return_document=ReturnDocument.AFTER,
        )
        return from_doc(doc)

    async def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        run_ids: list[str],
        exclude_suppliers: frozenset[str] = frozenset(),
    ) -> list[Connection]:
        claimed = []
        for run_id in run_ids:
            doc = await self._c.find_one_and_update(
                {
                    "status": {"$in": ACTIVE},
                    "next_check_at": {"$lte": now},
                    "supplier_id": {"$nin": sorted(exclude_suppliers)},
                    "$or": [{"run_id": None}, {"run_lease_until": {"$lt": now}}],
                },
                {"$set": {"run_id": run_id, "run_lease_until": lease_until}},
                sort=[("next_check_at", 1)],
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:
                break
            claimed.append(from_doc(doc))
        return claimed

    async def running_by_supplier(self, now: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        cursor = self._c.find(
            {"run_id": {"$ne": None}, "run_lease_until": {"$gte": now}},
            {"supplier_id": 1},
        )
        async for doc in cursor:
            counts[doc["supplier_id"]] = counts.get(doc["supplier_id"], 0) + 1
        return counts

    async def count_active(self, supplier_id: str) -> int:
        return await self._c.count_documents(
            {"supplier_id": supplier_id, "status": {"$in": ACTIVE}}
        )

    async def release_run(self, connection_id: str, run_id: str) -> bool:
        result = await self._c.update_one(
            {"_id": connection_id, "run_id": run_id},
            {"$set": {"run_id": None, "run_lease_until": None}},
        )
        return result.matched_count == 1

    async def await_challenge(
        self,
        connection_id: str,
        run_id: str,
        *,
        challenge: PendingChallenge,
        portal_session: SealedSecret,
        lease_until: datetime,
    ) -> bool:
        pending = challenge.model_dump(mode="json")
        pending["expires_at"] = challenge.expires_at
        result = await self._c.update_one(
            {"_id": connection_id, "run_id": run_id},
            {
                "$set": {
                    "challenge": pending,
                    "portal_session": portal_session.model_dump(mode="json"),
                    "run_lease_until": lease_until,
                }
            },
        )
        return result.matched_count == 1

    async def expired_challenges(self, now: datetime) -> list[Connection]:
        cursor = self._c.find({"challenge.expires_at": {"$lt": now}})
        return [c for doc in await cursor.to_list(None) if (c := from_doc(doc))]

    async def take_challenge(
        self, connection_id: str, challenge_id: str, lease_until: datetime
    ) -> bool:
        result = await self._c.update_one(
            {"_id": connection_id, "challenge.challenge_id": challenge_id},
            {"$set": {"challenge": None, "run_lease_until": lease_until}},
        )
        return result.modified_count == 1

    async def touch_run(self, connection_id: str, run_id: str, until: datetime) -> bool:
        result = await self._c.update_one(
            {"_id": connection_id, "run_id": run_id},
            {"$set": {"run_lease_until": until}},
        )
        return result.matched_count == 1

    async def finish_run(
        self,
        connection_id: str,
        run_id: str,
        *,
        now: datetime,
        bookmark: date | None,
        next_check_at: datetime,
        documents_found: int,
        portal_session: SealedSecret | None = None,
    ) -> Connection | None:
        session = portal_session.model_dump(mode="json") if portal_session else None
        before = await self._c.find_one_and_update(
            {"_id": connection_id, "run_id": run_id},
            {
                "$set": {
                    "status": ConnectionStatus.CONNECTED.value,
                    "portal_session": session,
                    "challenge": None,
                    "run_id": None,
                    "run_lease_until": None,
                    "bookmark": bookmark.isoformat() if bookmark else None,
                    "last_fetch_at": now,
                    "next_check_at": next_check_at,
                    "last_error": None,
                    "last_remedy": None,
                    "failed_attempts": 0,
                    "documents_found": documents_found,
                },
            },
            return_document=ReturnDocument.BEFORE,
        )
        return from_doc(before)

    async def disrupt(
        self,
        connection_id: str,
        run_id: str,
        *,
        now: datetime,
        error_code: str,
        disruption_id: str,
        remedy: str | None = None,
    ) -> Connection | None:
        before = await self._c.find_one_and_update(
            {"_id": connection_id, "run_id": run_id},
            {
                "$set": {
                    "status": ConnectionStatus.DISRUPTED.value,
                    "run_id": None,
                    "run_lease_until": None,
                    "last_fetch_at": now,
                    "next_check_at": None,  # waits for the user, not the clock
                    "last_error": error_code,
                    "last_remedy": remedy,
                    "disruption_id": disruption_id,
                    "challenge": None,
                    "portal_session": None,  # a new login starts from scratch
                }
            },
            return_document=ReturnDocument.BEFORE,
        )
        return from_doc(before)

    async def retry_later(
        self,
        connection_id: str,
        run_id: str,
        *,
        at: datetime,
        error_code: str,
        failed_attempts: int,
    ) -> bool:
        result = await self._c.update_one(
            {"_id": connection_id, "run_id": run_id},
            {
                "$set": {
                    "run_id": None,
                    "run_lease_until": None,
                    "next_check_at": at,
                    "last_error": error_code,
                    "failed_attempts": failed_attempts,
                    "challenge": None,
                }
            },
        )
        return result.matched_count == 1
