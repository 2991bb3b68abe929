"""What the fetcher publishes and records when a run fails: disrupt and tell a person,
back off, or give the run up (and pause the supplier when its layout changed)."""

import logging
from collections.abc import AsyncIterator
from datetime import datetime

from adapters.portals.protocol import PortalError
from adapters.store.connection_changes import change_if_allowed
from agents.fetch_deps import FetchDeps
from agents.fetch_policy import (
    FailureAction,
    action_for,
    retry_at,
    should_pause_supplier,
)
from agents.schedule_policy import next_check_at
from schemas.connection import Connection
from schemas.envelope import new_id
from schemas.errors import TITLE, ErrorCode
from schemas.events import (
    AuthFailed,
    ConnectionStatusChanged,
    FetchDue,
    OperatorAlert,
)
from schemas.records import ConnectionStatus, Credentials
from streams.dead_letters import dead_letter
from streams.publish import Outgoing

log = logging.getLogger("agents.fetcher")
# Failures of one connection that operators hear of at once, whoever else is told.
OPERATORS_TOLD = {
    ErrorCode.CREDENTIALS_UNREADABLE: (
        "put that private key in BILLHOUND_VAULT_KEYS_DIR of every fetcher, or ask "
        "the tenant to enter the login again"
    ),
    ErrorCode.SUPPLIER_UNKNOWN: (
        "deploy a catalog that has this supplier and variant, or delete the connection"
    ),
}


def has_worked(conn: Connection) -> bool:
    """Whether this login ever fetched: then a refusal most likely means the password
    was changed at the portal, not a wrong portal variant."""
    return (
        conn.status is ConnectionStatus.CONNECTED
        or conn.bookmark is not None
        or conn.documents_found > 0
    )


def status_changed(due: FetchDue, old, new, reason, code=None) -> Outgoing:
    event = due.caused(
        ConnectionStatusChanged,
        old_status=old,
        new_status=new,
        reason=reason,
        error_code=code,
    )
    return Outgoing("connection-status-changed", due.connection_id, event)


async def on_failure(
    deps: FetchDeps,
    conn: Connection,
    due: FetchDue,
    err: PortalError,
    credentials: Credentials | None,
) -> AsyncIterator[Outgoing]:
    attempts = conn.failed_attempts + 1
    action = action_for(err.code, attempts, deps.backoff)
    log.warning(
        "fetch %s for %s failed: %s (%s) -> %s",
        due.correlation_id,
        conn.connection_id,
        err.code,
        err.detail,
        action,
    )
    now = deps.clock()
    if err.code in OPERATORS_TOLD:
        yield _operator_alert(deps, conn, due, err)
    if action is FailureAction.DISRUPT:
        async for out in _disrupt(deps, conn, due, err, credentials, now):
            yield out
    elif action is FailureAction.RETRY:
        at = retry_at(now, attempts, err.retry_after, deps.backoff)
        await _retry_later(deps, conn, due, at, err, attempts)
    else:
        # Give the run up: operators see it in dead-letter; the schedule goes on.
        at = next_check_at(conn, now, deps.schedule, deps.jitter())
        await _retry_later(deps, conn, due, at, err, 0)
        yield _dead_letter(deps, conn, due, err, attempts)
        if err.code is ErrorCode.LAYOUT_CHANGED:
            async for out in _maybe_pause_supplier(deps, conn, due, err, now):
                yield out


async def _retry_later(deps, conn, due, at, err: PortalError, attempts: int) -> None:
    run, code = due.correlation_id, err.code.value
    await change_if_allowed(
        deps.connections,
        conn.connection_id,
        lambda c: c.retry_later(run, at=at, error_code=code, failed_attempts=attempts),
    )


async def _disrupt(deps, conn, due, err, credentials, now) -> AsyncIterator[Outgoing]:
    disruption_id = new_id()
    remedy = deps.directory.remedy(
        conn.supplier_id,
        err,
        credentials,
        variant=conn.portal_variant,
        worked_before=has_worked(conn),
    )
    run = due.correlation_id
    disrupted = await change_if_allowed(
        deps.connections,
        conn.connection_id,
        lambda c: c.disrupt(
            run,
            now=now,
            error_code=err.code.value,
            disruption_id=disruption_id,
            remedy=remedy,
        ),
    )
    before = disrupted[0] if disrupted else None
    if before is None or before.status is ConnectionStatus.DISRUPTED:
        return  # already disrupted: auth-failed was emitted once, not again
    yield Outgoing(
        "auth-failed",
        conn.connection_id,
        due.caused(
            AuthFailed,
            disruption_id=disruption_id,
            supplier_id=conn.supplier_id,
            supplier_name=deps.directory.supplier_name(conn.supplier_id),
            error_code=err.code,
            title=TITLE[err.code],
            remedy=remedy,
        ),
    )
    yield status_changed(
        due, before.status, ConnectionStatus.DISRUPTED, err.detail, err.code
    )


def _operator_alert(
    deps, conn: Connection, due: FetchDue, err: PortalError
) -> Outgoing:
    remedy = OPERATORS_TOLD[err.code]
    detail = f"connection {conn.connection_id}: {err.detail}; {remedy}"
    log.error("OPERATOR ALERT: %s", detail)
    return Outgoing(
        "operator-alert",
        conn.supplier_id,
        due.caused(
            OperatorAlert,
            alert=err.code.value,
            supplier_id=conn.supplier_id,
            error_code=err.code,
            detail=detail,
            connection_ids=[conn.connection_id],
        ),
    )


def _dead_letter(deps, conn, due, err, attempts) -> Outgoing:
    return dead_letter(
        stage="fetcher",
        topic=deps.topic_prefix + "fetch-due",
        key=conn.connection_id.encode(),
        raw=due.to_bytes(),
        reason=f"{err.code}: {err.detail}",
        attempts=attempts,
        event=due,
    )


async def _maybe_pause_supplier(
    deps: FetchDeps, conn: Connection, due: FetchDue, err: PortalError, now: datetime
) -> AsyncIterator[Outgoing]:
    supplier = conn.supplier_id
    failed = await deps.suppliers.record_layout_failure(
        supplier, conn.connection_id, now
    )
    active = await deps.connections.count_active(supplier)
    if not should_pause_supplier(len(failed), active, deps.layout_threshold):
        return
    if not await deps.suppliers.pause(supplier, err.code.value, now):
        return  # paused already: one alert per pause
    log.error(
        "OPERATOR ALERT: supplier %s paused: layout changed, seen by %d of %d "
        "connections (%s); resume with `billhound suppliers resume %s`",
        supplier,
        len(failed),
        active,
        err.detail,
        supplier,
    )
    yield Outgoing(
        "operator-alert",
        supplier,
        due.caused(
            OperatorAlert,
            alert="supplier_paused",
            supplier_id=supplier,
            error_code=err.code,
            detail=err.detail,
            connection_ids=sorted(failed),
        ),
    )
