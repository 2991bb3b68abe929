"""What the API and the pages work with, and the lookups every use case shares."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from adapters.mail.ports import Mailer
from adapters.portals.catalog import Catalog
from adapters.portals.factory import CatalogPortalFactory
from adapters.store.ports import ConnectionStore, FileStore, InboxStore
from adapters.store.tenancy_ports import InvitationStore, TenantStore
from adapters.web.errors import ApiError, not_found
from schemas.connection import Connection
from schemas.envelope import Event, utcnow
from schemas.events import ConnectionStatusChanged
from schemas.records import ConnectionStatus, Tenant
from streams.publish import Outgoing, Publisher


@dataclass
class WebServices:
    connections: ConnectionStore
    inbox: InboxStore
    files: FileStore
    tenants: TenantStore
    invitations: InvitationStore
    portals: CatalogPortalFactory  # the catalog, and portal sessions for the check
    publisher: Publisher
    mailer: Mailer
    public_key: str  # seals logins; the API never holds a private key
    public_url: str = "http://127.0.0.1:8080"
    invitation_ttl: timedelta = timedelta(days=7)
    check_on_connect: bool = True
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def catalog(self) -> Catalog:
        return self.portals.catalog

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path

    async def connection(self, tenant: Tenant, connection_id: str) -> Connection:
        conn = await self.connections.get(connection_id)
        if (
            conn is None
            or conn.tenant_id != tenant.tenant_id
            or conn.status is ConnectionStatus.DELETED
        ):
            raise not_found("connection")
        return conn

    async def publish(self, topic: str, key: str, event: Event) -> None:
        try:
            await self.publisher.publish(Outgoing(topic, key, event))
        except Exception as exc:  # the broker is down: say so, never half-succeed
            raise ApiError(
                503, "bus_unavailable", "the event bus is unavailable; try again"
            ) from exc

    async def status_changed(
        self, conn: Connection, new: ConnectionStatus, reason: str
    ) -> None:
        event = ConnectionStatusChanged(
            tenant_id=conn.tenant_id,
            connection_id=conn.connection_id,
            old_status=conn.status,
            new_status=new,
            reason=reason,
        )
        await self.publish("connection-status-changed", conn.connection_id, event)

    async def stored(self, connection_id: str, wait: float = 10.0) -> Connection | None:
        """The connection once the scheduler has stored it (normally well under a
        second), so the answer to a creation can be read back at once."""
        deadline = asyncio.get_running_loop().time() + wait
        while asyncio.get_running_loop().time() < deadline:
            if (conn := await self.connections.get(connection_id)) is not None:
                return conn
            await asyncio.sleep(0.1)
        return None
