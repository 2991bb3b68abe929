"""Store ports of the web side: tenants with their keys and sessions, invitations."""

from datetime import datetime
from typing import Protocol

from schemas.records import DedupeMode, Invitation, SealedSecret, Tenant


class TenantStore(Protocol):
    """Tenants, their API keys (sha256 only) and signed-in page sessions."""

    async def save(self, tenant: Tenant) -> None:
        """Insert, or replace the tenant with this id (a new API key)."""

    async def by_key(self, api_key_sha256: str) -> Tenant | None: ...

    async def set_dedupe_mode(self, tenant_id: str, mode: DedupeMode) -> None: ...

    async def set_locale(self, tenant_id: str, locale: str) -> None: ...

    async def get(self, tenant_id: str) -> Tenant | None: ...

    async def open_session(
        self, token_sha256: str, tenant_id: str, expires_at: datetime
    ) -> None: ...

    async def session_tenant(self, token_sha256: str, now: datetime) -> str | None: ...

    async def close_session(self, token_sha256: str) -> None: ...


class InvitationStore(Protocol):
    async def create(self, invitation: Invitation) -> None: ...

    async def get(self, tenant_id: str, invitation_id: str) -> Invitation | None: ...

    async def by_token(self, token_sha256: str) -> Invitation | None: ...

    async def list(self, tenant_id: str) -> list[Invitation]:
        """Newest first."""

    async def complete(
        self,
        invitation_id: str,
        connection_id: str,
        now: datetime,
        client_access_sha256: str | None = None,
        client_access: SealedSecret | None = None,
    ) -> bool:
        """Use the link: True once, only while pending and unexpired; keeps the
        client's own page token (hashed, and sealed for the mails)."""

    async def by_connection(self, connection_id: str) -> Invitation | None:
        """The invitation a connection was made through, if any."""

    async def by_client_access(self, token_sha256: str) -> Invitation | None: ...

    async def reopen(self, invitation_id: str) -> None:
        """Undo a completion whose connection could not be published."""

    async def revoke(self, tenant_id: str, invitation_id: str) -> bool: ...

    async def delete(self, invitation_id: str) -> None:
        """Undo a creation whose mail could not be sent."""
