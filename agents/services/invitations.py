"""Asking a client to connect: a mailed single-use link that expires; the client's
login is checked and sealed like any other, and the tenant never sees it."""

from collections.abc import Callable
from datetime import datetime, timedelta

from adapters.mail.ports import Composer, Mailer
from adapters.store.tenancy_ports import InvitationStore, TenantStore
from adapters.vault.ports import Sealer
from agents.services.commands import AcceptInvitation, Connect, Invite
from agents.services.connections import Connections
from agents.services.errors import Conflict, Gone, NotFound, Unavailable
from schemas.envelope import new_id
from schemas.records import FetchSchedule, Invitation, InvitationStatus, Tenant
from schemas.tokens import new_token, sha256_hex

UNUSABLE = {
    InvitationStatus.COMPLETED: "This link was used already: the supplier is "
    "connected.",
    InvitationStatus.EXPIRED: "This link expired.",
    InvitationStatus.REVOKED: "This link was withdrawn.",
}


class Invitations:
    def __init__(
        self,
        store: InvitationStore,
        tenants: TenantStore,
        connections: Connections,
        mailer: Mailer,
        compose: Composer,
        sealer: Sealer,
        link: Callable[[str], str],
        ttl: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.store, self.tenants, self.connections = store, tenants, connections
        self.mailer, self.compose, self.sealer = mailer, compose, sealer
        self.link, self.ttl, self.clock = link, ttl, clock

    async def invite(self, cmd: Invite) -> tuple[Invitation, str]:
        """The stored invitation and its link (shown once: only its hash is kept)."""
        logins = self.connections.logins
        supplier = logins.offering(
            cmd.supplier_id, cmd.portal_variant, cmd.connector_kind
        )
        tenant = await self.tenants.get(cmd.tenant_id)
        if tenant is None:
            raise NotFound("tenant")
        token, now = new_token(), self.clock()
        inv = Invitation(
            invitation_id=new_id(),
            tenant_id=cmd.tenant_id,
            client_email=cmd.client_email,
            client_name=cmd.client_name,
            supplier_id=cmd.supplier_id,
            portal_variant=cmd.portal_variant,
            connector_kind=cmd.connector_kind,
            document_owner=cmd.document_owner,
            notify_email=cmd.notify_email,
            collect_from=cmd.collect_from,
            schedule=FetchSchedule(interval_hours=cmd.schedule_hours),
            token_sha256=sha256_hex(token),
            created_at=now,
            expires_at=now + self.ttl,
        )
        link = self.link(f"/invite/{token}")
        await self.store.create(inv)
        mail = self.compose(
            "invitation",
            inv.client_email,
            tenant_name=tenant.name,
            client_name=inv.client_name,
            supplier_name=supplier,
            link=link,
            expires_at=inv.expires_at.strftime("%d %b %Y at %H:%M UTC"),
        )
        try:
            await self.mailer.send(mail)
        except Exception as exc:  # nothing half-created: no mail, no invitation
            await self.store.delete(inv.invitation_id)
            raise Unavailable(
                "mail_unavailable", "the invitation email could not be sent"
            ) from exc
        return inv, link

    async def open(self, token: str) -> Invitation:
        """The invitation behind a link, or why it cannot be used."""
        inv = await self.store.by_token(sha256_hex(token))
        if inv is None:
            raise NotFound("link", "unknown_link", "This link is not valid.")
        status = inv.status_at(self.clock())
        if status is not InvitationStatus.PENDING:
            raise Gone(f"link_{status.value}", UNUSABLE[status])
        return inv

    async def accept(self, cmd: AcceptInvitation) -> str:
        """Connect the invited supplier with the client's login; the connection id."""
        inv = await self.open(cmd.token)
        variant = inv.portal_variant or cmd.portal_variant or "default"
        logins = self.connections.logins
        logins.offering(inv.supplier_id, variant, inv.connector_kind)
        sealed = await logins.checked(inv.supplier_id, variant, cmd.login)
        connection_id = new_id()
        access = new_token()  # the client's own page of this connection, for mails
        if not await self.store.complete(
            inv.invitation_id,
            connection_id,
            self.clock(),
            sha256_hex(access),
            self.sealer.seal_data({"token": access}),
        ):
            raise Gone("link_completed", "This link was used already.")
        connect = Connect(
            tenant_id=inv.tenant_id,
            supplier_id=inv.supplier_id,
            portal_variant=variant,
            connector_kind=inv.connector_kind,
            document_owner=inv.document_owner,
            notify_email=inv.accountant() or inv.client_email,
            collect_from=inv.collect_from,
            schedule_hours=inv.schedule.interval_hours,
            login=cmd.login,
        )
        try:
            await self.connections.create(connect, sealed, connection_id)
        except Unavailable:
            await self.store.reopen(inv.invitation_id)  # the link works again
            raise
        return connection_id

    async def list(self, tenant_id: str) -> list[Invitation]:
        return await self.store.list(tenant_id)

    async def get(self, tenant_id: str, invitation_id: str) -> Invitation:
        inv = await self.store.get(tenant_id, invitation_id)
        if inv is None:
            raise NotFound("invitation")
        return inv

    async def revoke(self, tenant_id: str, invitation_id: str) -> Invitation:
        await self.get(tenant_id, invitation_id)
        if not await self.store.revoke(tenant_id, invitation_id):
            raise Conflict("conflict", "only a pending invitation can be withdrawn")
        return await self.get(tenant_id, invitation_id)

    async def client_connection(self, token: str) -> tuple[Invitation, Tenant]:
        """The invitation and its tenant behind a client's own page link."""
        inv = await self.store.by_client_access(sha256_hex(token))
        tenant = await self.tenants.get(inv.tenant_id) if inv else None
        if inv is None or tenant is None or inv.connection_id is None:
            raise NotFound("link", "unknown_link", "This link is not valid.")
        return inv, tenant
