"""How a connection, an inbox item and an invitation look to API callers and pages."""

from datetime import datetime

from adapters.portals.catalog import Catalog
from schemas.api import (
    ChallengeOut,
    ConnectionOut,
    ConnectionWarning,
    InboxItemOut,
    InvitationOut,
    SupplierOut,
    VariantOut,
)
from schemas.connection import Connection
from schemas.errors import NOT_RETRIED, REMEDY, TITLE, ErrorCode
from schemas.records import ConnectionStatus, InboxItem, Invitation


def state_of(conn: Connection, now: datetime) -> str:
    """connected, fetching, waiting_for_code, waiting_for_person, stalled,
    disrupted or paused."""
    if conn.active and conn.challenge is not None:
        live = conn.challenge.live_view is not None
        return "waiting_for_person" if live else "waiting_for_code"
    running = conn.running(now)
    if conn.active and not running and _stalled(conn):
        return "stalled"
    if conn.status is ConnectionStatus.PENDING or (
        conn.status is ConnectionStatus.CONNECTED and running
    ):
        return "fetching"
    return conn.status.value


def _stalled(conn: Connection) -> bool:
    """The last run failed in a way no retry mends: operators must act first."""
    return conn.last_error is not None and ErrorCode(conn.last_error) in NOT_RETRIED


def warning_of(conn: Connection) -> ConnectionWarning | None:
    if conn.last_error is None:
        return None
    if conn.status is not ConnectionStatus.DISRUPTED and not (
        conn.active and _stalled(conn)
    ):
        return None
    code = ErrorCode(conn.last_error)
    return ConnectionWarning(
        code=code, title=TITLE[code], remedy=conn.last_remedy or REMEDY[code]
    )


def connection_out(
    conn: Connection, catalog: Catalog, collected: int, now: datetime
) -> ConnectionOut:
    try:
        name = catalog.supplier(conn.supplier_id).name
    except LookupError:
        name = conn.supplier_id
    ch = conn.challenge
    return ConnectionOut(
        connection_id=conn.connection_id,
        supplier_id=conn.supplier_id,
        supplier_name=name,
        portal_variant=conn.portal_variant,
        connector_kind=conn.connector_kind,
        document_owner=conn.document_owner,
        notify_email=conn.notify_email,
        collect_from=conn.collect_from,
        schedule_hours=conn.schedule.interval_hours,
        status=conn.status,
        state=state_of(conn, now),
        created_at=conn.created_at,
        last_fetch_at=conn.last_fetch_at,
        next_fetch_at=conn.next_check_at if conn.active else None,
        documents_collected=collected,
        rejected_documents=conn.rejected_documents,
        last_rejection=conn.last_rejection,
        warning=warning_of(conn),
        challenge=ChallengeOut(
            challenge_id=ch.challenge_id,
            medium=ch.medium,
            destination_hint=ch.destination_hint,
            expires_at=ch.expires_at,
            live_view_url=f"/connections/{conn.connection_id}/live"
            if ch.live_view is not None
            else None,
        )
        if ch is not None and conn.active
        else None,
    )


def inbox_item_out(item: InboxItem) -> InboxItemOut:
    return InboxItemOut(
        **item.model_dump(exclude={"document_id"}),
        download_url=f"/v1/inbox/{item.item_id}/file",
        format_urls=[
            f"/v1/inbox/{item.item_id}/file?sha256={f.sha256}" for f in item.formats
        ],
        view_url=f"/v1/inbox/{item.item_id}/view"
        if item.facts and item.facts.e_invoice
        else None,
    )


def invitation_out(
    inv: Invitation, now: datetime, link: str | None = None
) -> InvitationOut:
    return InvitationOut(
        **inv.model_dump(
            include={
                "invitation_id",
                "client_email",
                "client_name",
                "supplier_id",
                "portal_variant",
                "connector_kind",
                "document_owner",
                "notify_email",
                "created_at",
                "expires_at",
                "completed_at",
                "connection_id",
            }
        ),
        status=inv.status_at(now),
        link=link,
    )


def supplier_out(supplier) -> SupplierOut:
    return SupplierOut(
        id=supplier.id,
        name=supplier.name,
        aliases=supplier.aliases,
        connector_kinds=supplier.connector_kinds,
        login_kind=supplier.login_kind.value,
        two_factor=list(supplier.two_factor),
        variants=[
            VariantOut(
                id=key, label=v.label, region=v.region, account_type=v.account_type
            )
            for key, v in supplier.variants.items()
        ],
    )
