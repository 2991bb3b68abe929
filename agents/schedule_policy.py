"""When connections are fetched (pure): the schedule policy, a new connection's first
run, the window and reason of a run, the next check at the connection's own phase of
its interval, and which suppliers are full. The scheduler and the fetcher both
decide with these."""

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from schemas.connection import Connection
from schemas.events import ConnectionCreated, FetchDue
from schemas.records import FetchReason


@dataclass(frozen=True)
class SchedulePolicy:
    lease_seconds: float = 60.0  # a run's hold on its connection, renewed as it goes
    jitter_fraction: float = 0.0  # on top of each connection's phase, if wanted
    lookback_days: int = 14  # re-list this far behind the bookmark for late documents
    claim_batch: int = 500  # connections per query and bulk claim
    # Runs in flight across all workers the scheduler keeps fed: the fetchers'
    # concurrency times their number. Claiming past it only queues runs whose
    # leases run out before they start.
    max_running: int = 800


def new_connection(event: ConnectionCreated, now: datetime, policy: SchedulePolicy):
    """The stored connection for a creation event, already holding its initial run."""
    return Connection(
        connection_id=event.connection_id,
        tenant_id=event.tenant_id,
        supplier_id=event.supplier_id,
        portal_variant=event.portal_variant,
        connector_kind=event.connector_kind,
        document_owner=event.document_owner,
        notify_email=str(event.notify_email),
        collect_from=event.collect_from,
        schedule=event.schedule,
        credentials=event.credentials,
        created_at=now,
        next_check_at=now,  # if the initial fetch-due is lost, the timer re-issues it
        run_id=event.correlation_id,  # the initial run continues the caller's trace
        run_lease_until=now + timedelta(seconds=policy.lease_seconds),
    )


def fetch_due_for(conn: Connection, run_id: str, policy: SchedulePolicy) -> FetchDue:
    since = conn.collect_from
    if conn.bookmark is not None:
        since = max(since, conn.bookmark - timedelta(days=policy.lookback_days))
    if conn.failed_attempts:
        reason = FetchReason.RETRY
    elif conn.last_fetch_at is None:
        reason = FetchReason.INITIAL
    else:
        reason = FetchReason.SCHEDULED
    return FetchDue(
        tenant_id=conn.tenant_id,
        connection_id=conn.connection_id,
        correlation_id=run_id,
        reason=reason,
        since=since,
        attempt=conn.failed_attempts + 1,
    )


def phase_of(connection_id: str) -> float:
    """The connection's own place in every re-check cycle, in [0, 1): a hash of its
    id, so the connections of any one moment, or of one supplier, spread evenly."""
    digest = hashlib.sha256(connection_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def next_check_at(
    conn: Connection, now: datetime, policy: SchedulePolicy, unit: float
) -> datetime:
    """When to look again after a run: the connection's next slot (its phase of the
    interval, counted from the epoch) at least half an interval from now, plus a
    little jitter (unit in [0, 1)). A thousand connections made on one Monday are
    re-checked evenly over the week, not all the next Monday; once settled, each
    is checked every interval at its own time."""
    period = conn.schedule.interval_hours * 3600
    earliest = now.timestamp() + period / 2
    phase = phase_of(conn.connection_id)
    slot = (math.ceil(earliest / period - phase) + phase) * period
    jitter = period * policy.jitter_fraction * unit
    return datetime.fromtimestamp(slot + jitter, UTC)


def full_suppliers(
    running: dict[str, int], limit: Callable[[str], int]
) -> frozenset[str]:
    """Suppliers already at their limit of concurrent sessions."""
    return frozenset(s for s, n in running.items() if n >= limit(s))


def pick_claims(
    due: list[Connection], running: dict[str, int], limit: Callable[[str], int]
) -> list[Connection]:
    """The due connections to claim now, in order: each supplier only up to its
    free sessions (`running` counts this batch's picks too, as they are made)."""
    picked = []
    for conn in due:
        if running.get(conn.supplier_id, 0) < limit(conn.supplier_id):
            running[conn.supplier_id] = running.get(conn.supplier_id, 0) + 1
            picked.append(conn)
    return picked


def jitter_unit() -> float:
    return random.random()
