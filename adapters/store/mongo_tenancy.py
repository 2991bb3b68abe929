"""MongoTenantStore and MongoInvitationStore: tenants, page sessions, invitations."""

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase

from adapters.store.mongo_models import load
from schemas.records import (
    DedupeMode,
    Invitation,
    InvitationStatus,
    SealedSecret,
    Tenant,
)

INVITATION_TIMES = ("created_at", "expires_at", "completed_at")


class MongoTenantStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._tenants = db["tenants"]
        self._sessions = db["web_sessions"]

    async def save(self, tenant: Tenant) -> None:
        doc = tenant.model_dump(mode="json")
        doc["_id"] = doc.pop("tenant_id")
        doc["created_at"] = tenant.created_at
        await self._tenants.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    async def by_key(self, api_key_sha256: str) -> Tenant | None:
        doc = await self._tenants.find_one({"api_key_sha256": api_key_sha256})
        return load(Tenant, "tenant_id", doc)

    async def set_dedupe_mode(self, tenant_id: str, mode: DedupeMode) -> None:
        await self._tenants.update_one(
            {"_id": tenant_id}, {"$set": {"dedupe_mode": mode.value}}
        )

    async def set_locale(self, tenant_id: str, locale: str) -> None:
        await self._tenants.update_one({"_id": tenant_id}, {"$set": {"locale": locale}})

    async def get(self, tenant_id: str) -> Tenant | None:
        return load(
            Tenant, "tenant_id", await self._tenants.find_one({"_id": tenant_id})
        )

    async def open_session(
        self, token_sha256: str, tenant_id: str, expires_at: datetime
    ) -> None:
        await self._sessions.insert_one(
            {"_id": token_sha256, "tenant_id": tenant_id, "expires_at": expires_at}
        )

    async def session_tenant(self, token_sha256: str, now: datetime) -> str | None:
        doc = await self._sessions.find_one(
            {"_id": token_sha256, "expires_at": {"$gt": now}}
        )
        return doc["tenant_id"] if doc else None

    async def close_session(self, token_sha256: str) -> None:
        await self._sessions.delete_one({"_id": token_sha256})


class MongoInvitationStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["invitations"]

    async def create(self, invitation: Invitation) -> None:
        doc = invitation.model_dump(mode="json")
        doc["_id"] = doc.pop("invitation_id")
        for name in INVITATION_TIMES:
            doc[name] = getattr(invitation, name)
        await self._c.insert_one(doc)

    async def get(self, tenant_id: str, invitation_id: str) -> Invitation | None:
        doc = await self._c.find_one({"_id": invitation_id, "tenant_id": tenant_id})
        return load(Invitation, "invitation_id", doc)

    async def by_token(self, token_sha256: str) -> Invitation | None:
        doc = await self._c.find_one({"token_sha256": token_sha256})
        return load(Invitation, "invitation_id", doc)

    async def list(self, tenant_id: str) -> list[Invitation]:
        cursor = self._c.find({"tenant_id": tenant_id}).sort([("created_at", -1)])
        return [
            inv
            for doc in await cursor.to_list(None)
            if (inv := load(Invitation, "invitation_id", doc))
        ]

    async def by_connection(self, connection_id: str) -> Invitation | None:
        doc = await self._c.find_one({"connection_id": connection_id})
        return load(Invitation, "invitation_id", doc)

    async def by_client_access(self, token_sha256: str) -> Invitation | None:
        doc = await self._c.find_one({"client_access_sha256": token_sha256})
        return load(Invitation, "invitation_id", doc)

    async def complete(
        self,
        invitation_id: str,
        connection_id: str,
        now: datetime,
        client_access_sha256: str | None = None,
        client_access: SealedSecret | None = None,
    ) -> bool:
        # One atomic move from pending: a link used twice at once wins once.
        result = await self._c.update_one(
            {
                "_id": invitation_id,
                "status": InvitationStatus.PENDING.value,
                "expires_at": {"$gt": now},
            },
            {
                "$set": {
                    "status": InvitationStatus.COMPLETED.value,
                    "completed_at": now,
                    "connection_id": connection_id,
                    "client_access_sha256": client_access_sha256,
                    "client_access": client_access.model_dump(mode="json")
                    if client_access
                    else None,
                }
            },
        )
        return result.modified_count == 1

    async def reopen(self, invitation_id: str) -> None:
        await self._c.update_one(
            {"_id": invitation_id},
            {
                "$set": {
                    "status": InvitationStatus.PENDING.value,
                    "completed_at": None,
                    "connection_id": None,
                }
            },
        )

    async def revoke(self, tenant_id: str, invitation_id: str) -> bool:
        result = await self._c.update_one(
            {
                "_id": invitation_id,
                "tenant_id": tenant_id,
                "status": InvitationStatus.PENDING.value,
            },
            {"$set": {"status": InvitationStatus.REVOKED.value}},
        )
        return result.modified_count == 1

    async def delete(self, invitation_id: str) -> None:
        await self._c.delete_one({"_id": invitation_id})
