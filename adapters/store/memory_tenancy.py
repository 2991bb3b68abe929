"""In-memory tenant and invitation stores: held to the same contract as MongoDB
(tests/contract/test_tenancy_stores.py), for tests of the web's use cases."""

from datetime import datetime

from schemas.records import (
    DedupeMode,
    Invitation,
    InvitationStatus,
    SealedSecret,
    Tenant,
)


class InMemoryTenantStore:
    def __init__(self) -> None:
        self.rows: dict[str, Tenant] = {}
        self.sessions: dict[str, tuple[str, datetime]] = {}

    async def save(self, tenant: Tenant) -> None:
        self.rows[tenant.tenant_id] = tenant

    async def by_key(self, api_key_sha256: str) -> Tenant | None:
        return next(
            (t for t in self.rows.values() if t.api_key_sha256 == api_key_sha256), None
        )

    async def set_dedupe_mode(self, tenant_id: str, mode: DedupeMode) -> None:
        self._set(tenant_id, dedupe_mode=mode)

    async def set_locale(self, tenant_id: str, locale: str) -> None:
        self._set(tenant_id, locale=locale)

    async def get(self, tenant_id: str) -> Tenant | None:
        return self.rows.get(tenant_id)

    async def open_session(
        self, token_sha256: str, tenant_id: str, expires_at: datetime
    ) -> None:
        if token_sha256 in self.sessions:
            raise KeyError(f"session {token_sha256[:8]}… exists")
        self.sessions[token_sha256] = (tenant_id, expires_at)

    async def session_tenant(self, token_sha256: str, now: datetime) -> str | None:
        tenant_id, expires_at = self.sessions.get(token_sha256, (None, now))
        return tenant_id if expires_at > now else None

    async def close_session(self, token_sha256: str) -> None:
        self.sessions.pop(token_sha256, None)

    def _set(self, tenant_id: str, **changes) -> None:
        if (tenant := self.rows.get(tenant_id)) is not None:
            self.rows[tenant_id] = tenant.model_copy(update=changes)


class InMemoryInvitationStore:
    def __init__(self) -> None:
        self.rows: dict[str, Invitation] = {}

    async def create(self, invitation: Invitation) -> None:
        if invitation.invitation_id in self.rows:
            raise KeyError(f"invitation {invitation.invitation_id} exists")
        self.rows[invitation.invitation_id] = invitation

    async def get(self, tenant_id: str, invitation_id: str) -> Invitation | None:
        inv = self.rows.get(invitation_id)
        return inv if inv is not None and inv.tenant_id == tenant_id else None

    async def by_token(self, token_sha256: str) -> Invitation | None:
        return self._first(lambda i: i.token_sha256 == token_sha256)

    async def list(self, tenant_id: str) -> list[Invitation]:
        mine = [i for i in self.rows.values() if i.tenant_id == tenant_id]
        return sorted(mine, key=lambda i: i.created_at, reverse=True)

    async def by_connection(self, connection_id: str) -> Invitation | None:
        return self._first(lambda i: i.connection_id == connection_id)

    async def by_client_access(self, token_sha256: str) -> Invitation | None:
        return self._first(lambda i: i.client_access_sha256 == token_sha256)

    async def complete(
        self,
        invitation_id: str,
        connection_id: str,
        now: datetime,
        client_access_sha256: str | None = None,
        client_access: SealedSecret | None = None,
    ) -> bool:
        inv = self.rows.get(invitation_id)
        if inv is None or inv.status is not InvitationStatus.PENDING:
            return False
        if inv.expires_at <= now:
            return False
        self.rows[invitation_id] = inv.model_copy(
            update={
                "status": InvitationStatus.COMPLETED,
                "completed_at": now,
                "connection_id": connection_id,
                "client_access_sha256": client_access_sha256,
                "client_access": client_access,
            }
        )
        return True

    async def reopen(self, invitation_id: str) -> None:
        if (inv := self.rows.get(invitation_id)) is not None:
            self.rows[invitation_id] = inv.model_copy(
                update={
                    "status": InvitationStatus.PENDING,
                    "completed_at": None,
                    "connection_id": None,
                }
            )

    async def revoke(self, tenant_id: str, invitation_id: str) -> bool:
        inv = await self.get(tenant_id, invitation_id)
        if inv is None or inv.status is not InvitationStatus.PENDING:
            return False
        self.rows[invitation_id] = inv.model_copy(
            update={"status": InvitationStatus.REVOKED}
        )
        return True

    async def delete(self, invitation_id: str) -> None:
        self.rows.pop(invitation_id, None)

    def _first(self, match) -> Invitation | None:
        return next((i for i in self.rows.values() if match(i)), None)
