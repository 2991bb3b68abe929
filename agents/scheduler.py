"""Scheduler stage: persists new connections and says when each must be fetched."""

import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import faust

from adapters.store.ports import ConnectionStore, SupplierStore
from schemas.envelope import new_id, utcnow
from schemas.events import (
    ConnectionCreated,
    ConnectionStatusChanged,
    FetchDue,
    FetchRequested,
)
from schemas.records import Connection, ConnectionStatus, FetchReason
from streams.publish import Outgoing
from streams.stage import StageRunner, Unprocessable, run_event, run_timer
from streams.topics import Topics


@dataclass(frozen=True)
class SchedulePolicy:
    lease_seconds: float = (
        1800.0  # a run holds its connection this long between touches
    )
    jitter_fraction: float = 0.1  # spread re-checks over +0..10% of the interval
    lookback_days: int = 14  # re-list this far behind the bookmark for late documents
    claim_batch: int = 100


# --- decisions (pure) -------------------------------------------------------------


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


def next_check_at(
    conn: Connection, now: datetime, policy: SchedulePolicy, unit: float
) -> datetime:
    """When to look again after a successful run; unit in [0, 1) draws the jitter."""
    interval = timedelta(hours=conn.schedule.interval_hours)
    return now + interval * (1 + policy.jitter_fraction * unit)


# --- handler ------------------------------------------------------------------------


def full_suppliers(
    running: dict[str, int], limit: Callable[[str], int]
) -> frozenset[str]:
    """Suppliers already at their limit of concurrent sessions."""
    return frozenset(s for s, n in running.items() if n >= limit(s))


class SchedulerHandler:
    def __init__(
        self,
        connections: ConnectionStore,
        policy: SchedulePolicy,
        suppliers: SupplierStore,
        session_limit: Callable[[str], int] = lambda _: 2,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.connections, self.policy, self.clock = connections, policy, clock
        self.suppliers, self.session_limit = suppliers, session_limit

    async def on_connection_created(
        self, event: ConnectionCreated
    ) -> AsyncIterator[Outgoing]:
        conn = new_connection(event, self.clock(), self.policy)
        if not await self.connections.create(conn):
            return  # already known: a repeated event changes nothing
        yield Outgoing(
            "connection-status-changed",
            conn.connection_id,
            event.caused(
                ConnectionStatusChanged,
                old_status=None,
                new_status=ConnectionStatus.PENDING,
                reason="connection created",
            ),
        )
        due = fetch_due_for(conn, conn.run_id or new_id(), self.policy)
        yield Outgoing(
            "fetch-due",
            conn.connection_id,
            due.model_copy(update={"causation_id": event.event_id}),
        )

    async def on_fetch_requested(
        self, event: FetchRequested
    ) -> AsyncIterator[Outgoing]:
        """A person asked: start now, unless a run is in flight or the supplier is
        paused or full (then the connection is due, and the tick starts it)."""
        now = self.clock()
        conn = await self.connections.get(event.connection_id)
        if conn is None or conn.tenant_id != event.tenant_id:
            raise Unprocessable(
                f"fetch-requested for unknown connection {event.connection_id}"
            )
        paused = await self.suppliers.paused()
        running = await self.connections.running_by_supplier(now)
        if conn.supplier_id in paused | full_suppliers(running, self.session_limit):
            return
        lease = now + timedelta(seconds=self.policy.lease_seconds)
        claimed = await self.connections.claim_one(
            conn.connection_id, now, lease, event.correlation_id
        )
        if claimed is None:
            return  # running already, or no longer active
        due = fetch_due_for(claimed, event.correlation_id, self.policy)
        yield Outgoing(
            "fetch-due",
            conn.connection_id,
            due.model_copy(
                update={"reason": event.reason, "causation_id": event.event_id}
            ),
        )

    async def on_tick(self) -> AsyncIterator[Outgoing]:
        now = self.clock()
        lease = now + timedelta(seconds=self.policy.lease_seconds)
        paused = frozenset(await self.suppliers.paused())
        running = await self.connections.running_by_supplier(now)
        for _ in range(self.policy.claim_batch):
            # One claim at a time: each may fill its supplier's last free session.
            skip = paused | full_suppliers(running, self.session_limit)
            claimed = await self.connections.claim_due(now, lease, [new_id()], skip)
            if not claimed:
                return
            conn = claimed[0]
            running[conn.supplier_id] = running.get(conn.supplier_id, 0) + 1
            yield Outgoing(
                "fetch-due",
                conn.connection_id,
                fetch_due_for(conn, conn.run_id or "", self.policy),
            )


def jitter_unit() -> float:
    return random.random()


def register(app: faust.App, topics: Topics, runner: StageRunner, handler, tick: float):
    @app.agent(topics["connection-created"], name="scheduler", concurrency=1)
    async def schedule(stream):
        async for event in stream.events():
            await run_event(
                runner, ConnectionCreated, event, handler.on_connection_created
            )

    @app.agent(topics["fetch-requested"], name="scheduler-requests", concurrency=1)
    async def requested(stream):
        async for event in stream.events():
            await run_event(runner, FetchRequested, event, handler.on_fetch_requested)

    # on_leader: one worker scans; claims are atomic, so a second would be harmless.
    @app.timer(tick, on_leader=True, name="scheduler-tick")
    async def due_connections():
        await run_timer(runner, handler.on_tick)
