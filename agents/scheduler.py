"""Scheduler stage: persists new connections and says when each must be fetched."""

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from adapters.store.connection_changes import change_if_allowed
from adapters.store.ports import ConnectionStore, SupplierStore
from agents.schedule_policy import (
    SchedulePolicy,
    fetch_due_for,
    full_suppliers,
    new_connection,
    pick_claims,
)
from schemas.envelope import new_id, utcnow
from schemas.events import (
    ConnectionCreated,
    ConnectionStatusChanged,
    FetchRequested,
)
from schemas.records import ConnectionStatus
from streams.publish import Outgoing
from streams.stage import Unprocessable


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
        self._running: tuple[datetime | None, dict[str, int]] = (None, {})

    async def on_connection_created(
        self, event: ConnectionCreated
    ) -> AsyncIterator[Outgoing]:
        """Store the connection unless the API stored it first, and announce it
        once: a repeated event changes nothing."""
        now = self.clock()
        conn = new_connection(event, now, self.policy).announce(now)
        if not await self.connections.create(conn):
            changed = await change_if_allowed(
                self.connections, event.connection_id, lambda c: c.announce(now)
            )
            if changed is None:
                return  # announced already: this event was handled before
            conn = changed[1]
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
        if await self._supplier_full(conn, now):
            # The supplier's sessions are all in use (across workers): the first
            # run waits, due now, for the tick to start it when one is free.
            run = conn.run_id or ""
            await change_if_allowed(
                self.connections, conn.connection_id, lambda c: c.release(run)
            )
            return
        due = fetch_due_for(conn, conn.run_id or new_id(), self.policy)
        yield Outgoing(
            "fetch-due",
            conn.connection_id,
            due.model_copy(update={"causation_id": event.event_id}),
        )

    async def _supplier_full(self, conn, now) -> bool:
        """Whether the supplier's sessions are all taken by other runs. The counts
        are read at most once a second (a read scans the running runs) and kept
        up to date with the first runs let through meanwhile."""
        fetched_at, running = self._running
        if fetched_at is None or (now - fetched_at).total_seconds() >= 1:
            running = await self.connections.running_by_supplier(now)
            self._running = (now, running)
            mine = 1 if conn.running(now) else 0  # counted in the fresh read
        else:
            mine = 0
        supplier = conn.supplier_id
        if running.get(supplier, 0) - mine >= self.session_limit(supplier):
            return True
        running[supplier] = running.get(supplier, 0) + 1 - mine
        return False

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
        """Claim what is due, in batches: one query and one bulk claim each, each
        supplier within its free sessions, all runs within max_running."""
        now = self.clock()
        lease = now + timedelta(seconds=self.policy.lease_seconds)
        paused = frozenset(await self.suppliers.paused())
        running = await self.connections.running_by_supplier(now)
        budget = self.policy.max_running - sum(running.values())
        while budget > 0:
            skip = paused | full_suppliers(running, self.session_limit)
            wanted = min(self.policy.claim_batch, budget)
            due = await self.connections.due(now, wanted, skip)
            picked = pick_claims(due, running, self.session_limit)
            claims = [(conn, new_id()) for conn in picked]
            claimed = await self.connections.claim_all(claims, now, lease)
            for conn in claimed:
                yield Outgoing(
                    "fetch-due",
                    conn.connection_id,
                    fetch_due_for(conn, conn.run_id or "", self.policy),
                )
            budget -= len(claimed)
            if len(due) < wanted or not claimed:
                return  # nothing more is due, or what is due cannot be claimed now
