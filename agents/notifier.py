"""Notifier stage: one email per disruption, naming the supplier and the remedy."""

from collections.abc import AsyncIterator

import faust

from adapters.mail.smtp import Mail, Mailer
from adapters.store.ports import ConnectionStore, Delivery, NotificationStore
from schemas.events import AuthFailed
from schemas.records import Connection
from streams.publish import Outgoing
from streams.stage import StageRunner, run_event
from streams.topics import Topics


def disruption_mail(event: AuthFailed, conn: Connection) -> Mail:
    text = (
        f"Hello,\n\n"
        f"Billhound could not collect documents from {event.supplier_name} for "
        f"{conn.document_owner}: {event.title.lower()}.\n\n"
        f"What to do: {event.remedy}\n\n"
        f"Until this is fixed, no new {event.supplier_name} documents reach the inbox. "
        f"Documents already collected are safe.\n\n"
        f"Connection: {conn.connection_id} (portal: {conn.portal_variant})\n"
        f"Error code: {event.error_code}\n"
    )
    return Mail(
        to=conn.notify_email,
        subject=f"Action needed: your {event.supplier_name} connection stopped",
        text=text,
    )


class NotifierHandler:
    def __init__(
        self,
        connections: ConnectionStore,
        notifications: NotificationStore,
        mailer: Mailer,
    ) -> None:
        self.connections, self.notifications, self.mailer = (
            connections,
            notifications,
            mailer,
        )

    async def on_auth_failed(self, event: AuthFailed) -> AsyncIterator[Outgoing]:
        conn = await self.connections.get(event.connection_id)
        if conn is None:  # retried, then dead-lettered: never dropped in silence
            raise LookupError(
                f"auth-failed for unknown connection {event.connection_id}"
            )
        state = await self.notifications.claim(event.disruption_id, event.connection_id)
        if state is Delivery.DONE:
            return  # this disruption was mailed already
        await self.mailer.send(disruption_mail(event, conn))
        await self.notifications.mark_sent(event.disruption_id)
        return
        yield  # an async generator that publishes nothing


def register(app: faust.App, topics: Topics, runner: StageRunner, handler) -> None:
    @app.agent(topics["auth-failed"], name="notifier", concurrency=1)
    async def notify(stream):
        async for event in stream.events():
            await run_event(runner, AuthFailed, event, handler.on_auth_failed)
