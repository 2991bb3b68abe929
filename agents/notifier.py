"""Notifier stage: one email per disruption (then spaced reminders while it lasts),
one when a connection's first fetch completes, one when a portal sends a code."""

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import faust

from adapters.mail.smtp import Mailer
from adapters.mail.templates import compose
from adapters.store.ports import ConnectionStore, Delivery, NotificationStore, Reminder
from schemas.envelope import utcnow
from schemas.errors import TITLE, ErrorCode
from schemas.events import AuthFailed, ChallengeRequired, ConnectionStatusChanged
from schemas.records import Connection, ConnectionStatus
from streams.publish import Outgoing
from streams.stage import StageRunner, run_event, run_timer
from streams.topics import Topics


def first_fetch_completed(event: ConnectionStatusChanged) -> bool:
    return (
        event.old_status is ConnectionStatus.PENDING
        and event.new_status is ConnectionStatus.CONNECTED
    )


def still_disrupted(conn: Connection | None, reminder: Reminder) -> bool:
    """Remind only of the disruption that was mailed, while it lasts."""
    return (
        conn is not None
        and conn.status is ConnectionStatus.DISRUPTED
        and conn.disruption_id == reminder.notification_id
    )


def every(hours: float) -> str:
    if hours % 24 == 0:
        days = int(hours // 24)
        return {1: "day", 7: "week"}.get(days, f"{days} days")
    return "hour" if hours == 1 else f"{hours:g} hours"


class NotifierHandler:
    def __init__(
        self,
        connections: ConnectionStore,
        notifications: NotificationStore,
        mailer: Mailer,
        *,
        page_url: str = "http://127.0.0.1:8080/",
        reminder_every: timedelta = timedelta(days=3),
        reminder_limit: int = 2,
        supplier_name: Callable[[str], str] = str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.connections, self.notifications, self.mailer = (
            connections,
            notifications,
            mailer,
        )
        self.page_url, self.supplier_name, self.clock = page_url, supplier_name, clock
        self.reminder_every, self.reminder_limit = reminder_every, reminder_limit

    async def _connection(self, connection_id: str) -> Connection:
        conn = await self.connections.get(connection_id)
        if conn is None:  # retried, then dead-lettered: never dropped in silence
            raise LookupError(f"event for unknown connection {connection_id}")
        return conn

    async def _mail_once(
        self,
        key: str,
        conn: Connection,
        template: str,
        remind_at: datetime | None = None,
        **values,
    ) -> None:
        """Send one mail per key: claimed first, marked sent after, so a retry after a
        crash may send it again but a repeated event never does."""
        if await self.notifications.claim(key, conn.connection_id) is Delivery.DONE:
            return
        mail = compose(template, conn.notify_email, **self._values(conn, **values))
        await self.mailer.send(mail)
        await self.notifications.mark_sent(key, remind_at)

    def _values(self, conn: Connection, **more) -> dict:
        return {
            "page_url": self.page_url,
            "connection_id": conn.connection_id,
            "portal_variant": conn.portal_variant,
            "document_owner": conn.document_owner,
            **more,
        }

    async def on_auth_failed(self, event: AuthFailed) -> AsyncIterator[Outgoing]:
        conn = await self._connection(event.connection_id)
        remind_at = self.clock() + self.reminder_every if self.reminder_limit else None
        await self._mail_once(
            event.disruption_id,  # one mail per disruption
            conn,
            "disruption",
            remind_at,
            supplier_name=event.supplier_name,
            title=event.title,
            remedy=event.remedy,
            error_code=event.error_code.value,
            reminder=0,
            reminder_limit=self.reminder_limit,
        )
        return
        yield  # an async generator that publishes nothing

    async def on_status_changed(
        self, event: ConnectionStatusChanged
    ) -> AsyncIterator[Outgoing]:
        if not first_fetch_completed(event):
            return
        conn = await self._connection(event.connection_id)
        await self._mail_once(
            f"initial:{conn.connection_id}",  # once per connection, ever
            conn,
            "initial_fetch",
            supplier_name=self.supplier_name(conn.supplier_id),
            documents=conn.documents_found,
            collect_from=conn.collect_from.isoformat(),
            interval=every(conn.schedule.interval_hours),
        )
        return
        yield

    async def on_challenge_required(
        self, event: ChallengeRequired
    ) -> AsyncIterator[Outgoing]:
        conn = await self._connection(event.connection_id)
        await self._mail_once(
            f"challenge:{event.challenge_id}",
            conn,
            "challenge",
            supplier_name=event.supplier_name,
            medium=event.medium.value,
            destination_hint=event.destination_hint,
            expires_at=event.expires_at.strftime("%H:%M UTC on %d %b %Y"),
        )
        return
        yield

    async def on_tick(self) -> AsyncIterator[Outgoing]:
        now = self.clock()
        due = await self.notifications.claim_reminders(
            now, self.reminder_every, self.reminder_limit
        )
        for reminder in due:
            conn = await self.connections.get(reminder.connection_id)
            if conn is None or not still_disrupted(conn, reminder):
                await self.notifications.stop_reminders(reminder.notification_id)
                continue
            code = ErrorCode(conn.last_error)
            mail = compose(
                "disruption",
                conn.notify_email,
                **self._values(
                    conn,
                    supplier_name=self.supplier_name(conn.supplier_id),
                    title=TITLE[code],
                    remedy=conn.last_remedy or "",
                    error_code=code.value,
                    reminder=reminder.reminders_sent,
                    reminder_limit=self.reminder_limit,
                ),
            )
            await self.mailer.send(mail)
        return
        yield


def register(
    app: faust.App, topics: Topics, runner: StageRunner, handler, tick: float
) -> None:
    @app.agent(topics["auth-failed"], name="notifier", concurrency=1)
    async def notify(stream):
        async for event in stream.events():
            await run_event(runner, AuthFailed, event, handler.on_auth_failed)

    @app.agent(
        topics["connection-status-changed"], name="notifier-status", concurrency=1
    )
    async def status(stream):
        async for event in stream.events():
            await run_event(
                runner, ConnectionStatusChanged, event, handler.on_status_changed
            )

    @app.agent(topics["challenge-required"], name="notifier-codes", concurrency=1)
    async def codes(stream):
        async for event in stream.events():
            await run_event(
                runner, ChallengeRequired, event, handler.on_challenge_required
            )

    @app.timer(tick, on_leader=True, name="notifier-reminders")
    async def reminders():
        await run_timer(runner, handler.on_tick)
