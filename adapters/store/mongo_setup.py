"""Indexes the stores rely on; idempotent, run before the workers start."""

from pymongo.asynchronous.database import AsyncDatabase


async def ensure_indexes(db: AsyncDatabase) -> None:
    await db["connections"].create_index([("status", 1), ("next_check_at", 1)])
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
