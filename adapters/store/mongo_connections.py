"""MongoConnectionStore: connections and their fetch state in MongoDB."""

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from adapters.store.mongo_models import load
from schemas.connection import ACTIVE as ACTIVE_STATUSES
from schemas.connection import Connection
from schemas.records import ConnectionStatus

# Connection.active and .claimable in query form: the same statuses, as stored.
ACTIVE = sorted(status.value for status in ACTIVE_STATUSES)
# BSON has datetimes but no dates: keep these as real datetimes so queries compare them.
DATETIME_FIELDS = (
    "created_at",
    "next_check_at",
    "run_lease_until",
    "last_fetch_at",
    "announced_at",
)
# Connection.claimable_at, kept beside the fields it is derived from: the due query
# is one range on its index, a form every MongoDB-protocol server answers from the
# index (a status list plus a lease $or is a collection scan on some).
CLAIMABLE_AT = "claimable_at"


def to_doc(conn: Connection) -> dict[str, Any]:
    doc = conn.model_dump(mode="json")
    for name in DATETIME_FIELDS:
        doc[name] = getattr(conn, name)
    if conn.challenge is not None:  # compared with now by expired_challenges
        doc["challenge"]["expires_at"] = conn.challenge.expires_at
    doc[CLAIMABLE_AT] = conn.claimable_at
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

    async def get_many(self, connection_ids: set[str]) -> dict[str, Connection]:
        cursor = self._c.find({"_id": {"$in": sorted(connection_ids)}})
        return {c.connection_id: c async for doc in cursor if (c := from_doc(doc))}

    async def list_by_tenant(self, tenant_id: str) -> list[Connection]:
        cursor = self._c.find(
            {"tenant_id": tenant_id, "status": {"$ne": ConnectionStatus.DELETED.value}}
        ).sort([("created_at", 1), ("_id", 1)])
        return [c for doc in await cursor.to_list(None) if (c := from_doc(doc))]

    async def save(self, conn: Connection) -> bool:
        doc = to_doc(conn) | {"version": conn.version + 1}
        result = await self._c.replace_one(_as_loaded(conn), doc)
        return result.matched_count == 1

    async def claim_one(
        self, connection_id: str, now: datetime, lease_until: datetime, run_id: str
    ) -> Connection | None:
        doc = await self._c.find_one_and_update(
            {"_id": connection_id, CLAIMABLE_AT: {"$lte": now}} | _not_running(now),
            _claiming(run_id, lease_until),
            return_document=ReturnDocument.AFTER,
        )
        return from_doc(doc)

    async def due(
        self,
        now: datetime,
        limit: int,
        exclude_suppliers: frozenset[str] = frozenset(),
    ) -> list[Connection]:
        # Due rows in claimable order, straight from the index; rows of suppliers at
        # their session limit are skipped here, not in the query, so the query keeps
        # its one-range form. The cost is the due rows read, never the stored ones.
        cursor = self._c.find({CLAIMABLE_AT: {"$lte": now}}).sort(CLAIMABLE_AT, 1)
        found: list[Connection] = []
        async with cursor:
            async for doc in cursor:
                conn = from_doc(doc)
                if conn is None or conn.supplier_id in exclude_suppliers:
                    continue
                if conn.claimable(now):  # also where a row's derived field is stale
                    found.append(conn)
                    if len(found) >= limit:
                        break
        return found

    async def claim_all(
        self, claims: list[tuple[Connection, str]], now: datetime, lease_until: datetime
    ) -> list[Connection]:
        if not claims:
            return []
        ops = [
            # Unchanged since `due` found it claimable means still claimable (time
            # only makes it more due): the version is the whole guard, and a plain
            # lookup by id, which every MongoDB-protocol server serves fast.
            UpdateOne(_as_loaded(conn), _claiming(run_id, lease_until))
            for conn, run_id in claims
        ]
        result = await self._c.bulk_write(ops, ordered=False)
        if result.modified_count == len(claims):  # the usual case: no re-read
            return [
                conn.claim(run_id, now, lease_until).model_copy(
                    update={"version": conn.version + 1}
                )
                for conn, run_id in claims
            ]
        run_ids = [run_id for _, run_id in claims]
        cursor = self._c.find(
            {
                "_id": {"$in": [c.connection_id for c, _ in claims]},
                "run_id": {"$in": run_ids},
            }
        )
        return [c for doc in await cursor.to_list(None) if (c := from_doc(doc))]

    async def running_by_supplier(self, now: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        # One range on one index (see CLAIMABLE_AT); the run id is checked here.
        cursor = self._c.find(
            {"run_lease_until": {"$gte": now}}, {"supplier_id": 1, "run_id": 1}
        )
        async for doc in cursor:
            if doc.get("run_id") is not None:
                counts[doc["supplier_id"]] = counts.get(doc["supplier_id"], 0) + 1
        return counts

    async def count_active(self, supplier_id: str) -> int:
        return await self._c.count_documents(
            {"supplier_id": supplier_id, "status": {"$in": ACTIVE}}
        )

    async def expired_challenges(self, now: datetime) -> list[Connection]:
        cursor = self._c.find({"challenge.expires_at": {"$lt": now}})
        return [c for doc in await cursor.to_list(None) if (c := from_doc(doc))]


def _not_running(now: datetime) -> dict:
    """No run holds it (Connection.running, negated), beside an _id lookup."""
    return {"$or": [{"run_id": None}, {"run_lease_until": {"$lt": now}}]}


def _claiming(run_id: str, lease_until: datetime) -> dict:
    """The claim transition as an update; claimable_at moves to the lease's end."""
    return {
        "$set": {
            "run_id": run_id,
            "run_lease_until": lease_until,
            CLAIMABLE_AT: lease_until,
        },
        "$inc": {"version": 1},
    }


def _as_loaded(conn: Connection) -> dict:
    """The stored connection, if still at the version it was loaded at."""
    if conn.version == 0:  # records written before versions were kept have none
        return {"_id": conn.connection_id, "version": {"$in": [0, None]}}
    return {"_id": conn.connection_id, "version": conn.version}
