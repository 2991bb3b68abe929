"""Connecting a supplier: check the login at the portal, seal it, publish. Used by
the API, the page and the invitation page alike."""

from pydantic import SecretStr

from adapters.portals.catalog import Supplier, UnknownSupplier
from adapters.portals.check import check_connection
from adapters.store.connection_changes import change_if_allowed
from adapters.vault.sealing import seal
from adapters.web.errors import ApiError, check_failed
from adapters.web.services import WebServices
from schemas.api import ConnectionIn, LoginIn
from schemas.connection import Connection
from schemas.envelope import new_id
from schemas.events import ConnectionCreated, FetchRequested
from schemas.records import (
    ConnectionStatus,
    ConnectorKind,
    Credentials,
    SealedSecret,
    Tenant,
)
from schemas.totp import normalise_totp_secret


def catalog_entry(
    svc: WebServices, supplier_id: str, variant: str | None, kind: ConnectorKind
) -> Supplier:
    """The supplier, if it has this variant and this kind of connection."""
    try:
        supplier = svc.catalog.supplier(supplier_id)
    except UnknownSupplier as exc:
        raise ApiError(422, "unknown_supplier", str(exc), field="supplier_id") from None
    if variant is not None and variant not in supplier.variants:
        known = ", ".join(sorted(supplier.variants))
        raise ApiError(
            422,
            "unknown_variant",
            f"{supplier.name} has no portal variant {variant!r} (it has: {known})",
            field="portal_variant",
        )
    if kind not in supplier.connector_kinds:
        offered = ", ".join(k.value for k in supplier.connector_kinds)
        raise ApiError(
            422,
            "kind_not_offered",
            f"{supplier.name} offers {offered} connections, not {kind.value}",
            field="connector_kind",
        )
    return supplier


async def checked_login(
    svc: WebServices, supplier_id: str, variant: str, login: LoginIn
) -> SealedSecret:
    """Sign in once with the person still there; the sealed login if it works."""
    try:
        secret = normalise_totp_secret(login.totp_secret) if login.totp_secret else None
    except ValueError as exc:
        raise ApiError(
            422, "invalid_totp_secret", str(exc), field="totp_secret"
        ) from None
    credentials = Credentials(
        login=login.login,
        password=SecretStr(login.password),
        totp_secret=SecretStr(secret) if secret else None,
    )
    if svc.check_on_connect:
        result = await check_connection(svc.portals, supplier_id, variant, credentials)
        if not result.ok and result.code is not None:
            raise check_failed(result.code, result.remedy or "", result.field, None)
    return seal(svc.public_key, credentials)


async def publish_connection(
    svc: WebServices,
    tenant_id: str,
    body: ConnectionIn,
    sealed: SealedSecret,
    connection_id: str | None = None,
) -> tuple[str, Connection | None]:
    """The new connection's id, and its record once stored (None if slow)."""
    event = ConnectionCreated(
        tenant_id=tenant_id,
        connection_id=connection_id or new_id(),
        supplier_id=body.supplier_id,
        portal_variant=body.portal_variant,
        connector_kind=body.connector_kind,
        document_owner=body.document_owner,
        notify_email=body.notify_email,
        collect_from=body.collect_from,
        schedule={"interval_hours": body.schedule_hours},
        credentials=sealed,
    )
    await svc.publish("connection-created", event.connection_id, event)
    return event.connection_id, await svc.stored(event.connection_id)


async def create_connection(
    svc: WebServices, tenant: Tenant, body: ConnectionIn
) -> tuple[str, Connection | None]:
    """Nothing is published unless the portal accepted the login."""
    catalog_entry(svc, body.supplier_id, body.portal_variant, body.connector_kind)
    sealed = await checked_login(svc, body.supplier_id, body.portal_variant, body)
    return await publish_connection(svc, tenant.tenant_id, body, sealed)


async def reconnect(
    svc: WebServices, tenant: Tenant, connection_id: str, login: LoginIn
) -> Connection:
    """A new login, checked first; the connection fetches at once."""
    conn = await svc.connection(tenant, connection_id)
    try:
        sealed = await checked_login(svc, conn.supplier_id, conn.portal_variant, login)
    except ApiError as err:  # which of the person's connections it was about
        name = svc.catalog.supplier(conn.supplier_id).name
        raise err.about(f"{name} for {conn.document_owner}") from None
    # Any state but deleted: a new login is always welcome; pending until a fetch
    # proves it.
    now = svc.clock()
    changed = await change_if_allowed(
        svc.connections, connection_id, lambda c: c.reconnect(now, sealed)
    )
    if changed is None:
        raise ApiError(409, "deleted", "the connection was deleted meanwhile")
    await svc.status_changed(changed[0], ConnectionStatus.PENDING, "login updated")
    await svc.publish(
        "fetch-requested",
        connection_id,
        FetchRequested(tenant_id=tenant.tenant_id, connection_id=connection_id),
    )
    return await svc.connection(tenant, connection_id)
