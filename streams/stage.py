"""Run one event through a stage: parse, handle, publish; failures go to dead-letter."""

import asyncio
import base64
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from schemas.envelope import Event
from schemas.events import DeadLetter
from streams.publish import Outgoing, Publisher

log = logging.getLogger(__name__)

Handler = Callable[[Event], AsyncIterator[Outgoing]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff_seconds: float = 0.5


class StageRunner:
    """The shared body of every agent. An exception never escapes: Faust would ack and
    lose the message, so failures are retried in place, then sent to dead-letter."""

    def __init__(self, stage: str, publisher: Publisher, policy: RetryPolicy) -> None:
        self.stage = stage
        self.publisher = publisher
        self.policy = policy

    async def run(
        self,
        model: type[Event],
        raw: bytes | None,
        handler: Handler,
        *,
        topic: str,
        key: bytes | None,
    ) -> None:
        try:
            event = model.parse_raw_event(raw or b"")
        except ValueError as exc:
            log.warning("%s: malformed event on %s: %s", self.stage, topic, exc)
            await self._dead_letter(raw, topic, key, str(exc), attempts=0)
            return
        for attempt in range(1, self.policy.attempts + 1):
            try:
                async for out in handler(event):
                    await self.publisher.publish(out)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the point is to catch everything
                reason = f"{type(exc).__name__}: {exc}"
                log.warning(
                    "%s: attempt %d/%d failed for %s: %s",
                    self.stage,
                    attempt,
                    self.policy.attempts,
                    event.event_id,
                    reason,
                )
                if attempt == self.policy.attempts:
                    await self._dead_letter(raw, topic, key, reason, attempt, event)
                    return
                await asyncio.sleep(self.policy.backoff_seconds * 2 ** (attempt - 1))

    async def _dead_letter(
        self,
        raw: bytes | None,
        topic: str,
        key: bytes | None,
        reason: str,
        attempts: int,
        event: Event | None = None,
    ) -> None:
        ids = {}
        if event is not None:
            ids = {
                "tenant_id": event.tenant_id,
                "connection_id": event.connection_id,
                "correlation_id": event.correlation_id,
                "causation_id": event.event_id,
            }
        letter = DeadLetter(
            **ids,
            original_topic=topic,
            original_key_b64=base64.b64encode(key).decode() if key else None,
            original_value_b64=base64.b64encode(raw or b"").decode(),
            stage=self.stage,
            error=reason[:2000],
            attempts=attempts,
        )
        out = Outgoing(
            "dead-letter", key.decode(errors="replace") if key else None, letter
        )
        delay = self.policy.backoff_seconds
        while True:  # losing the letter loses the event: wait for the broker instead
            try:
                await self.publisher.publish(out)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                log.error("%s: cannot publish dead-letter: %s", self.stage, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)


async def run_event(runner: StageRunner, model: type[Event], event, handler: Handler):
    """Feed one Faust event (raw bytes) to runner.run with its topic and key."""
    message = event.message
    await runner.run(
        model, message.value, handler, topic=message.topic, key=message.key
    )


async def run_timer(
    runner: StageRunner, handler: Callable[[], AsyncIterator[Outgoing]]
):
    """A timer tick: publish what it returns; a failure is logged and the next tick
    tries again (there is no message to lose)."""
    try:
        async for out in handler():
            await runner.publisher.publish(out)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001
        log.exception("%s: timer tick failed", runner.stage)
