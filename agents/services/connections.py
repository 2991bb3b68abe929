"""Connecting a supplier, and a person's changes to a connection: fetch now, pause,
resume, reconnect, delete, and the answer to a 2-factor code.

Who writes what: the connection's first record is written by whoever takes the
request (here, right after `connection-created` is published; the scheduler writes
the same record when an upstream service publishes the event); every later write is
one `Connection` transition through `change`. See docs/architecture.md."""

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from adapters.portals.live_view import ticket_hash
from adapters.store.connection_changes import change_if_allowed
from adapters.store.ports import ConnectionStore, InboxStore
from adapters.vault.ports import Sealer
from agents.schedule_policy import SchedulePolicy, new_connection
from agents.services.bus import Bus
from agents.services.commands import AnswerCode, Connect, Reconnect
from agents.services.errors import Conflict, NotFound, ServiceError
from agents.services.logins import Logins
from schemas.connection import Connection
from schemas.envelope import new_id
from schemas.events import ChallengeAnswered, ConnectionCreated, FetchRequested
from schemas.records import ConnectionStatus, FetchSchedule, LiveView, SealedSecret

S = ConnectionStatus
log = logging.getLogger(__name__)


def not_now(conn: Connection, action: str) -> Conflict:
    why = {
        S.DISRUPTED: "it is disrupted: update the login first",
        S.PAUSED: "it is paused: resume it first",
    }.get(conn.status, f"it is {conn.status.value}")
    return Conflict("conflict", f"cannot {action} this connection: {why}")


class Connections:
    def __init__(
        self,
        store: ConnectionStore,
        inbox: InboxStore,
        logins: Logins,
        sealer: Sealer,
        bus: Bus,
        policy: SchedulePolicy,
        clock: Callable[[], datetime],
    ) -> None:
        self.store, self.inbox, self.logins = store, inbox, logins
        self.sealer, self.bus, self.policy, self.clock = sealer, bus, policy, clock

    # -- reading ----------------------------------------------------------------

    async def owned(self, tenant_id: str, connection_id: str) -> Connection:
        conn = await self.store.get(connection_id)
        if conn is None or conn.tenant_id != tenant_id or conn.status is S.DELETED:
            raise NotFound("connection")
        return conn

    async def one(self, tenant_id: str, connection_id: str) -> tuple[Connection, int]:
        """The connection and how many documents it has collected."""
        conn = await self.owned(tenant_id, connection_id)
        counts = await self.inbox.count_by_connection(tenant_id, connection_id)
        return conn, counts.get(connection_id, 0)

    async def all(self, tenant_id: str) -> list[tuple[Connection, int]]:
        conns = await self.store.list_by_tenant(tenant_id)
        counts = await self.inbox.count_by_connection(tenant_id)
        return [(c, counts.get(c.connection_id, 0)) for c in conns]

    # -- connecting ----------------------------------------------------------------

    async def connect(self, cmd: Connect) -> tuple[str, Connection | None]:
        """Nothing is published unless the portal accepted the login."""
        self.logins.offering(cmd.supplier_id, cmd.portal_variant, cmd.connector_kind)
        sealed = await self.logins.checked(
            cmd.supplier_id, cmd.portal_variant, cmd.login
        )
        return await self.create(cmd, sealed)

    async def create(
        self, cmd: Connect, sealed: SealedSecret, connection_id: str | None = None
    ) -> tuple[str, Connection | None]:
        """Publish the connection, then store it; its id, and its record (None when
        the database is away: the scheduler stores it from the event)."""
        event = ConnectionCreated(
            tenant_id=cmd.tenant_id,
            connection_id=connection_id or new_id(),
            supplier_id=cmd.supplier_id,
            portal_variant=cmd.portal_variant,
            connector_kind=cmd.connector_kind,
            document_owner=cmd.document_owner,
            notify_email=cmd.notify_email,
            collect_from=cmd.collect_from,
            schedule=FetchSchedule(interval_hours=cmd.schedule_hours),
            credentials=sealed,
        )
        # Published first: a creation the bus did not take leaves nothing behind.
        await self.bus.publish("connection-created", event.connection_id, event)
        try:
            await self.store.create(new_connection(event, self.clock(), self.policy))
            return event.connection_id, await self.store.get(event.connection_id)
        except Exception as exc:  # noqa: BLE001 - the event holds it: never "failed"
            log.warning(
                "connection %s published but not stored yet (the scheduler stores "
                "it from the event): %s",
                event.connection_id,
                exc,
            )
            return event.connection_id, None

    async def reconnect(self, cmd: Reconnect) -> Connection:
        """A new login, checked first; the connection fetches at once."""
        conn = await self.owned(cmd.tenant_id, cmd.connection_id)
        try:
            sealed = await self.logins.checked(
                conn.supplier_id, conn.portal_variant, cmd.login
            )
        except ServiceError as err:  # which of the person's connections it was about
            name = self.logins.directory.supplier_name(conn.supplier_id)
            raise err.about(f"{name} for {conn.document_owner}") from None
        # Any state but deleted: a new login is always welcome; pending until a
        # fetch proves it.
        changed = await change_if_allowed(
            self.store, cmd.connection_id, lambda c: c.reconnect(self.clock(), sealed)
        )
        if changed is None:
            raise Conflict("deleted", "the connection was deleted meanwhile")
        await self.bus.status_changed(changed[0], S.PENDING, "login updated")
        await self._fetch_requested(conn)
        return changed[1]

    # -- a person's changes ---------------------------------------------------------

    async def fetch_now(self, tenant_id: str, connection_id: str) -> None:
        now = self.clock()
        before, _ = await self._change(
            tenant_id, connection_id, lambda c: c.fetch_now(now), "fetch"
        )
        await self._fetch_requested(before)

    async def pause(self, tenant_id: str, connection_id: str) -> None:
        now = self.clock()
        before, _ = await self._change(
            tenant_id, connection_id, lambda c: c.pause(now), "pause"
        )
        await self.bus.status_changed(before, S.PAUSED, "paused by a person")

    async def resume(self, tenant_id: str, connection_id: str) -> None:
        now = self.clock()
        before, after = await self._change(
            tenant_id,
            connection_id,
            lambda c: c.resume(now),
            refused="cannot resume: the connection is not paused",
        )
        await self.bus.status_changed(before, after.status, "resumed by a person")
        if after.status is not S.DISRUPTED:
            await self._fetch_requested(before)

    async def delete(self, tenant_id: str, connection_id: str) -> None:
        """Stops fetching; what was fetched stays in the inbox. Deleting twice is
        not an error."""
        now = self.clock()
        try:
            before, _ = await self._change(
                tenant_id, connection_id, lambda c: c.delete(now), "delete"
            )
        except Conflict:
            return
        await self.bus.status_changed(before, S.DELETED, "deleted by a person")

    async def _change(
        self,
        tenant_id: str,
        connection_id: str,
        transition: Callable[[Connection], Connection],
        action: str = "change",
        refused: str | None = None,
    ) -> tuple[Connection, Connection]:
        """A person's change to their own connection: (before, after), or a
        Conflict saying why its state does not allow it."""
        conn = await self.owned(tenant_id, connection_id)
        changed = await change_if_allowed(self.store, connection_id, transition)
        if changed is None:
            raise Conflict("conflict", refused) if refused else not_now(conn, action)
        return changed

    async def answer_code(self, cmd: AnswerCode) -> None:
        conn = await self.owned(cmd.tenant_id, cmd.connection_id)
        pending = conn.challenge
        if pending is None or pending.challenge_id != cmd.challenge_id:
            raise Conflict(
                "no_such_challenge",
                "this connection is not waiting for that code (it may have expired)",
                field="challenge_id",
            )
        if pending.expires_at <= self.clock():
            raise Conflict("challenge_expired", "the code request expired")
        if pending.live_view is not None:
            raise Conflict(
                "not_a_code",
                "this step is taken on the portal's page, not with a code: open the "
                f"live view (/connections/{cmd.connection_id}/live)",
                field="challenge_id",
            )
        # The code travels sealed, like a password: only a fetcher can read it.
        event = ChallengeAnswered(
            tenant_id=cmd.tenant_id,
            connection_id=cmd.connection_id,
            correlation_id=pending.run_id,
            challenge_id=pending.challenge_id,
            code=self.sealer.seal_data({"code": cmd.code.replace(" ", "")}),
        )
        await self.bus.publish("challenge-answered", cmd.connection_id, event)

    async def open_live_view(
        self, tenant_id: str, connection_id: str
    ) -> tuple[LiveView, str]:
        """The live view of a portal's page waiting for this tenant's person, and a
        one-time ticket for it (only its sha256 is stored: the worker checks it)."""
        conn = await self.owned(tenant_id, connection_id)
        pending = conn.challenge
        view = pending.live_view if pending is not None else None
        if pending is None or view is None or pending.expires_at <= self.clock():
            raise Conflict(
                "no_live_view",
                "this connection is not waiting for you at the portal (it may have "
                "expired, or the portal let you through already)",
            )
        ticket = secrets.token_urlsafe(24)
        changed = await change_if_allowed(
            self.store,
            connection_id,
            lambda c: c.open_view(view.view_id, ticket_hash(ticket)),
        )
        if changed is None:
            raise Conflict("no_live_view", "the portal's step ended meanwhile")
        return view, ticket

    async def _fetch_requested(self, conn: Connection) -> None:
        event = FetchRequested(
            tenant_id=conn.tenant_id, connection_id=conn.connection_id
        )
        await self.bus.publish("fetch-requested", conn.connection_id, event)
