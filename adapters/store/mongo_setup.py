"""Indexes the stores rely on; idempotent, run before the workers start."""

from pymongo.asynchronous.database import AsyncDatabase

from adapters.store.mongo_connections import CLAIMABLE_AT, from_doc


async def ensure_indexes(db: AsyncDatabase) -> None:
    # The scheduler's due query and the running count: one range each.
    await db["connections"].create_index("claimable_at")
    await db["connections"].create_index("run_lease_until")
    await db["connections"].create_index("tenant_id")
    # Layer 1 of dedupe: the portal's own id per connection.
    await db["documents"].create_index(
        [("connection_id", 1), ("supplier_document_id", 1)], unique=True
    )
    await db["documents"].create_index([("tenant_id", 1), ("sha256", 1)])
    await db["inbox"].create_index([("tenant_id", 1), ("metadata.issued_on", 1)])
    await db["files.files"].create_index("filename")
    await db["notifications"].create_index("connection_id")
    # The fetcher's expiry tick looks for unanswered codes.
    await db["connections"].create_index("challenge.expires_at", sparse=True)
    await db["connections"].create_index([("supplier_id", 1), ("status", 1)])
    # The API and the page find a tenant by its hashed key, a client by its link.
    await db["tenants"].create_index("api_key_sha256", unique=True)
    await db["web_sessions"].create_index("expires_at")
    await db["invitations"].create_index("token_sha256", unique=True)
    await db["invitations"].create_index([("tenant_id", 1), ("created_at", -1)])
    await db["invitations"].create_index("connection_id")
    await db["invitations"].create_index("client_access_sha256")
    await db["inbox"].create_index([("tenant_id", 1), ("connection_id", 1)])
    await db["notifications"].create_index("remind_at", sparse=True)
    # Layer 3 of dedupe: the normalised fields, per tenant.
    await db["documents"].create_index([("tenant_id", 1), ("strong_key", 1)])
    await db["documents"].create_index([("tenant_id", 1), ("weak_key", 1)])
    await _once(db, "claimable_at", _derive_claimable_at)
    await _once(db, "remind_at_unset", _unset_null_remind_at)


async def _once(db: AsyncDatabase, name: str, step) -> None:
    """A data change made once per database: a marker in `migrations` spares later
    starts the scan."""
    if await db["migrations"].find_one({"_id": name}):
        return
    await step(db)
    await db["migrations"].update_one(
        {"_id": name}, {"$set": {"done": True}}, upsert=True
    )


async def _derive_claimable_at(db: AsyncDatabase) -> None:
    """Connections stored before claimable_at was kept get it; the index it
    replaces is dropped."""
    connections = db["connections"]
    async for doc in connections.find({CLAIMABLE_AT: {"$exists": False}}):
        if (conn := from_doc(doc)) is not None:
            # Guarded by the version: a row saved meanwhile already has it.
            await connections.update_one(
                {"_id": doc["_id"], "version": doc.get("version")},
                {"$set": {CLAIMABLE_AT: conn.claimable_at}},
            )
    if "status_1_next_check_at_1" in await connections.index_information():
        await connections.drop_index("status_1_next_check_at_1")


async def _unset_null_remind_at(db: AsyncDatabase) -> None:
    """Mails stored with remind_at null lose the field (see mongo_inbox._reminding)."""
    await db["notifications"].update_many(
        {"remind_at": {"$type": "null"}}, {"$unset": {"remind_at": ""}}
    )
