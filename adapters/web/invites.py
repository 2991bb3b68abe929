"""Asking a client to connect: a mailed single-use link that expires; the client's
login is checked and sealed like any other, and the tenant never sees it."""

from adapters.mail.templates import compose
from adapters.vault.sealing import seal_data
from adapters.web.connect import catalog_entry, checked_login, publish_connection
from adapters.web.errors import ApiError
from adapters.web.security import new_token, sha256_hex
from adapters.web.services import WebServices
from schemas.api import ConnectionIn, InvitationIn, LoginIn
from schemas.envelope import new_id
from schemas.records import Invitation, InvitationStatus, Tenant


async def invite(
    svc: WebServices, tenant: Tenant, body: InvitationIn
) -> tuple[Invitation, str]:
    """The stored invitation and its link (shown once: only its hash is kept)."""
    supplier = catalog_entry(
        svc, body.supplier_id, body.portal_variant, body.connector_kind
    )
    token = new_token()
    now = svc.clock()
    inv = Invitation(
        invitation_id=new_id(),
        tenant_id=tenant.tenant_id,
        client_email=str(body.client_email),
        client_name=body.client_name,
        supplier_id=body.supplier_id,
        portal_variant=body.portal_variant,
        connector_kind=body.connector_kind,
        document_owner=body.document_owner,
        notify_email=str(body.notify_email) if body.notify_email else None,
        collect_from=body.collect_from,
        schedule={"interval_hours": body.schedule_hours},
        token_sha256=sha256_hex(token),
        created_at=now,
        expires_at=now + svc.invitation_ttl,
    )
    link = svc.link(f"/invite/{token}")
    await svc.invitations.create(inv)
    mail = compose(
        "invitation",
        inv.client_email,
        tenant_name=tenant.name,
        client_name=inv.client_name,
        supplier_name=supplier.name,
        link=link,
        expires_at=inv.expires_at.strftime("%d %b %Y at %H:%M UTC"),
    )
    try:
        await svc.mailer.send(mail)
    except Exception as exc:  # nothing half-created: no mail, no invitation
        await svc.invitations.delete(inv.invitation_id)
        raise ApiError(
            503, "mail_unavailable", "the invitation email could not be sent"
        ) from exc
    return inv, link


async def open_invitation(svc: WebServices, token: str) -> Invitation:
    """The invitation behind a link, or why it cannot be used."""
    inv = await svc.invitations.by_token(sha256_hex(token))
    if inv is None:
        raise ApiError(404, "unknown_link", "This link is not valid.")
    status = inv.status_at(svc.clock())
    if status is not InvitationStatus.PENDING:
        message = {
            InvitationStatus.COMPLETED: "This link was used already: the supplier is "
            "connected.",
            InvitationStatus.EXPIRED: "This link expired.",
            InvitationStatus.REVOKED: "This link was withdrawn.",
        }[status]
        raise ApiError(410, f"link_{status.value}", message)
    return inv


async def accept(
    svc: WebServices, token: str, variant: str | None, login: LoginIn
) -> str:
    """Connect the invited supplier with the client's login; the connection id."""
    inv = await open_invitation(svc, token)
    variant = inv.portal_variant or variant or "default"
    catalog_entry(svc, inv.supplier_id, variant, inv.connector_kind)
    sealed = await checked_login(svc, inv.supplier_id, variant, login)
    connection_id = new_id()
    access = new_token()  # the client's own page of this connection, for later mails
    if not await svc.invitations.complete(
        inv.invitation_id,
        connection_id,
        svc.clock(),
        sha256_hex(access),
        seal_data(svc.public_key, {"token": access}),
    ):
        raise ApiError(410, "link_completed", "This link was used already.")
    body = ConnectionIn(
        supplier_id=inv.supplier_id,
        portal_variant=variant,
        connector_kind=inv.connector_kind,
        document_owner=inv.document_owner,
        notify_email=inv.accountant() or inv.client_email,
        collect_from=inv.collect_from,
        schedule_hours=inv.schedule.interval_hours,
        login=login.login,
        password=login.password,
    )
    try:
        await publish_connection(
            svc, inv.tenant_id, body, sealed, connection_id=connection_id
        )
    except ApiError:
        await svc.invitations.reopen(inv.invitation_id)  # the link works again
        raise
    return connection_id
