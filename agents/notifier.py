"""Notifier stage: one email per disruption (then spaced reminders while it lasts),
one when a connection's first fetch completes, one when a portal sends a code; each
to the person it concerns, with a link to a page that person can open."""

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from adapters.mail.ports import Composer, Mailer
from adapters.store.ports import (
    ConnectionStore,
    Delivery,
    NotificationStore,
)
from agents.notify_lookups import Lookups
from agents.notify_policy import (
    every,
    first_fetch_completed,
    still_disrupted,
)
from schemas.connection import Connection
from schemas.envelope import utcnow
from schemas.errors import TITLE, ErrorCode
from schemas.events import AuthFailed, ChallengeRequired, ConnectionStatusChanged
from streams.publish import Outgoing
from streams.stage import Unprocessable


class NotifierHandler:
    def __init__(
        self,
        connections: ConnectionStore,
        notifications: NotificationStore,
        mailer: Mailer,
        *,
        compose: Composer,
        page_url: str = "http://127.0.0.1:8080/",
        reminder_every: timedelta = timedelta(days=3),
        reminder_limit: int = 2,
        lookups: Lookups | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.connections, self.notifications = connections, notifications
        self.mailer, self.page_url, self.clock = mailer, page_url, clock
        self.compose = compose
        self.reminder_every, self.reminder_limit = reminder_every, reminder_limit
        self.look = lookups or Lookups()

    async def _connection(self, event) -> Connection:
        conn = await self.connections.get(event.connection_id)
        if conn is None or conn.tenant_id != event.tenant_id:
            # Dead-lettered with the reason: never dropped in silence, never retried.
            raise Unprocessable(
                f"{event.TYPE} for unknown connection {event.connection_id}"
            )
        return conn

    async def _mail_once(
        self,
        key: str,
        conn: Connection,
        to: str,
        template: str,
        remind_at: datetime | None = None,
        **values,
    ) -> None:
        """Send one mail per key: claimed first, marked sent after, so a retry after a
        crash may send it again but a repeated event never does."""
        if await self.notifications.claim(key, conn.connection_id) is Delivery.DONE:
            return
        await self.mailer.send(
            self.compose(template, to, **self._values(conn, **values))
        )
        await self.notifications.mark_sent(key, remind_at)

    def _values(self, conn: Connection, **more) -> dict:
        return {
            "supplier_name": self.look.supplier_name(conn.supplier_id),
            "portal": self.look.portal_label(conn.supplier_id, conn.portal_variant),
            "document_owner": conn.document_owner,
            "client": None,
            **more,
        }

    async def on_auth_failed(self, event: AuthFailed) -> AsyncIterator[Outgoing]:
        conn = await self._connection(event)
        who = await self.look.audience(conn, self.page_url)
        remind_at = self.clock() + self.reminder_every if self.reminder_limit else None
        await self._mail_once(
            event.disruption_id,  # one mail per disruption; reminders follow it
            conn,
            who.acts,
            "disruption",
            remind_at,
            supplier_name=event.supplier_name,
            title=event.title,
            remedy=event.remedy,
            link=who.acts_link,
            reminder=0,
            reminder_limit=self.reminder_limit,
        )
        if who.informed and who.informed_link:
            await self._mail_once(
                f"{event.disruption_id}:accountant",
                conn,
                who.informed,
                "client_disruption",
                supplier_name=event.supplier_name,
                title=event.title,
                link=who.informed_link,
                client=who.client,
                client_email=who.acts,
            )
        return
        yield  # an async generator that publishes nothing

    async def on_status_changed(
        self, event: ConnectionStatusChanged
    ) -> AsyncIterator[Outgoing]:
        if not first_fetch_completed(event):
            return
        conn = await self._connection(event)
        who = await self.look.audience(conn, self.page_url)
        to, link = who.acts, who.acts_link
        if who.client is not None:  # a client's connection: news for the accountant
            if not who.informed:
                return
            to, link = who.informed, who.informed_link
        outcome, posted = await self.look.first_fetch_outcome(conn)
        await self._mail_once(
            f"initial:{conn.connection_id}",  # once per connection, ever
            conn,
            to,
            "initial_fetch",
            posted=posted,
            outcome=outcome,
            collect_from=conn.collect_from.strftime("%d %b %Y"),
            interval=every(conn.schedule.interval_hours),
            link=link,
            client=who.client,
        )
        return
        yield

    async def on_challenge_required(
        self, event: ChallengeRequired
    ) -> AsyncIterator[Outgoing]:
        conn = await self._connection(event)
        who = await self.look.audience(conn, self.page_url)
        await self._mail_once(
            f"challenge:{event.challenge_id}",
            conn,
            who.acts,  # whoever holds the phone the code went to
            "challenge",
            supplier_name=event.supplier_name,
            medium=event.medium.value,
            live=event.answered_in == "live_view",
            destination_hint=event.destination_hint,
            expires_at=event.expires_at.strftime("%H:%M UTC on %d %b %Y"),
            link=who.acts_link,
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
            who = await self.look.audience(conn, self.page_url)
            mail = self.compose(
                "disruption",
                who.acts,
                **self._values(
                    conn,
                    title=TITLE[code],
                    remedy=conn.last_remedy or "",
                    link=who.acts_link,
                    reminder=reminder.reminders_sent,
                    reminder_limit=self.reminder_limit,
                ),
            )
            await self.mailer.send(mail)
        return
        yield
