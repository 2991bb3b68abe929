"""Run one event through a stage: parse, handle, publish; failures go to dead-letter."""

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from aiokafka.errors import (
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordTooLargeError,
    UnknownTopicOrPartitionError,
)

from schemas.envelope import Event
from streams.dead_letters import dead_letter
from streams.outage import NoOutages, Outages
from streams.publish import Outgoing, Publisher, publish_all

log = logging.getLogger(__name__)
# Publishing failures no retry can mend: the letter is logged and skipped.
PERMANENT = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    UnknownTopicOrPartitionError,
    InvalidTopicError,
)

Handler = Callable[[Event], AsyncIterator[Outgoing]]


@dataclass
class Effects:
    """What a stage does for a batch of events: publish these, then run `then`
    (marking them done) once every one is published."""

    outgoing: list[Outgoing]
    then: Callable[[], Awaitable[None]] | None = None


BatchHandler = Callable[[list[Event]], Awaitable[Effects]]


@dataclass(frozen=True)
class Raw:
    """One message as it came off the topic."""

    value: bytes | None
    topic: str
    key: bytes | None
    where: tuple[int, int] | None = None  # partition, offset


class Unprocessable(Exception):
    """An event no retry can mend (it names a connection that does not exist, say):
    dead-lettered at once with this reason, never dropped in silence."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff_seconds: float = 0.5


class StageRunner:
    """The shared body of every agent. An exception never escapes: Faust would ack and
    lose the message, so failures are retried in place, then sent to dead-letter."""

    def __init__(
        self,
        stage: str,
        publisher: Publisher,
        policy: RetryPolicy,
        outages: Outages | None = None,
    ) -> None:
        self.stage = stage
        self.publisher = publisher
        self.policy = policy
        self.outages = outages or NoOutages()
        # For the health check: when each event in hand last made progress (taken,
        # or published something), and how many are done. A long fetch run that
        # keeps finding documents is busy, not stuck.
        self.busy: dict[int, float] = {}
        self.handled = 0
        self.ticks = 0  # timer ticks done: a marker tests and operators can wait on
        self._tokens = itertools.count()
        self._behind: asyncio.Future | None = None  # the last batch's closing write

    def oldest_busy(self) -> float:
        """Seconds since the stalest event in hand made progress (0 when idle)."""
        if not self.busy:
            return 0.0
        return time.monotonic() - min(self.busy.values())

    async def run(
        self,
        model: type[Event],
        raw: bytes | None,
        handler: Handler,
        *,
        topic: str,
        key: bytes | None,
        where: tuple[int, int] | None = None,  # partition, offset
    ) -> None:
        token = next(self._tokens)
        self.busy[token] = time.monotonic()
        try:
            await self._run(model, raw, handler, topic, key, where, token)
        finally:
            del self.busy[token]
            self.handled += 1

    async def run_batch(
        self,
        model: type[Event],
        messages: list[Raw],
        batch: BatchHandler,
        handler: Handler,
    ) -> None:
        """Handle many events in one go (fewer round trips to the database). If the
        batch fails for any reason but an outage, each event runs again on its own
        through run(), with its retries and dead letter: handlers are idempotent,
        so what the batch did already is found done, never doubled."""
        token = next(self._tokens)
        self.busy[token] = time.monotonic()
        try:
            events, parsed = [], []
            for msg in messages:
                try:
                    events.append(model.parse_raw_event(msg.value or b""))
                    parsed.append(msg)
                except ValueError as exc:
                    log.warning(
                        "%s: malformed event on %s: %s", self.stage, msg.topic, exc
                    )
                    await self._dead_letter(
                        msg.value, msg.topic, msg.key, str(exc), 0, where=msg.where
                    )
            if events and not await self._batch(events, batch):
                for m in parsed:
                    await self._run(
                        model, m.value, handler, m.topic, m.key, m.where, token
                    )
        finally:
            del self.busy[token]
            self.handled += len(messages)

    async def _batch(self, events: list[Event], batch: BatchHandler) -> bool:
        while True:
            try:
                effects = await batch(events)
                await publish_all(self.publisher, effects.outgoing)
                if effects.then is not None:
                    await self._then_behind(effects.then)
                return True
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                if self.outages.is_outage(exc):
                    await self.outages.wait(self.stage)
                    continue
                log.info(
                    "%s: a batch of %d failed (%s: %s); each event runs on its own",
                    self.stage,
                    len(events),
                    type(exc).__name__,
                    exc,
                )
                return False

    async def _then_behind(self, then: Callable[[], Awaitable[None]]) -> None:
        """A batch's closing write (marking its outcomes sent) runs while the next
        batch is judged: one at a time, in order. It only spares a redelivered
        event a second publish, which downstream finds done; so a lost one (a
        crash, an outage) loses nothing and is logged, not retried."""
        if self._behind is not None:
            await self._behind

        async def closing() -> None:
            try:
                await then()
            except Exception as exc:  # noqa: BLE001 - see above
                log.warning("%s: marking a batch done failed: %s", self.stage, exc)

        self._behind = asyncio.ensure_future(closing())

    async def _run(self, model, raw, handler, topic, key, where, token) -> None:
        try:
            event = model.parse_raw_event(raw or b"")
        except ValueError as exc:
            log.warning("%s: malformed event on %s: %s", self.stage, topic, exc)
            await self._dead_letter(raw, topic, key, str(exc), 0, where=where)
            return
        attempt = 1
        while True:
            try:
                async for out in handler(event):
                    await self.publisher.publish(out)
                    self.busy[token] = time.monotonic()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the point is to catch everything
                if self.outages.is_outage(exc):
                    # The database is away: not the event's fault, not an attempt.
                    # Handlers are idempotent, so the event runs again from the top.
                    await self.outages.wait(self.stage)
                    continue
                if isinstance(exc, Unprocessable):
                    reason, last = str(exc), True
                    log.warning("%s: %s: %s", self.stage, event.event_id, exc)
                else:
                    reason = f"{type(exc).__name__}: {exc}"
                    last = attempt >= self.policy.attempts
                    log.warning(
                        "%s: attempt %d/%d failed for %s: %s",
                        self.stage,
                        attempt,
                        self.policy.attempts,
                        event.event_id,
                        reason,
                    )
            if last:
                await self._dead_letter(raw, topic, key, reason, attempt, event, where)
                return
            await asyncio.sleep(self.policy.backoff_seconds * 2 ** (attempt - 1))
            attempt += 1

    async def _dead_letter(
        self,
        raw: bytes | None,
        topic: str,
        key: bytes | None,
        reason: str,
        attempts: int,
        event: Event | None = None,
        where: tuple[int, int] | None = None,
    ) -> None:
        out = dead_letter(
            stage=self.stage,
            topic=topic,
            key=key,
            raw=raw or b"",
            reason=reason,
            attempts=attempts,
            event=event,
            where=where,
        )
        delay = self.policy.backoff_seconds
        while True:  # losing the letter loses the event: wait for the broker instead
            try:
                await self.publisher.publish(out)
                return
            except asyncio.CancelledError:
                raise
            except PERMANENT as exc:
                # Waiting cannot help, and waiting would stop the stage for good.
                letter = out.event
                log.error(
                    "%s: dead-letter for %s@%s/%s (%s bytes, sha256 %s) cannot be "
                    "published, skipped: %s",
                    self.stage,
                    topic,
                    letter.original_partition,
                    letter.original_offset,
                    letter.original_size,
                    letter.original_sha256,
                    exc,
                )
                return
            except Exception as exc:  # noqa: BLE001
                log.error("%s: cannot publish dead-letter: %s", self.stage, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
