"""Publishing from a use case: all or nothing, a clear error when the bus is away."""

from agents.services.errors import Unavailable
from schemas.connection import Connection
from schemas.envelope import Event
from schemas.events import ConnectionStatusChanged
from schemas.records import ConnectionStatus
from streams.publish import Outgoing, Publisher


class Bus:
    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher

    async def publish(self, topic: str, key: str, event: Event) -> None:
        try:
            await self.publisher.publish(Outgoing(topic, key, event))
        except Exception as exc:  # the broker is down: say so, never half-succeed
            raise Unavailable(
                "bus_unavailable", "the event bus is unavailable; try again"
            ) from exc

    async def status_changed(
        self, conn: Connection, new: ConnectionStatus, reason: str
    ) -> None:
        event = ConnectionStatusChanged(
            tenant_id=conn.tenant_id,
            connection_id=conn.connection_id,
            old_status=conn.status,
            new_status=new,
            reason=reason,
        )
        await self.publish("connection-status-changed", conn.connection_id, event)
