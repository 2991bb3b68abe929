"""What feeds a StageRunner outside its own methods: a Faust event as raw bytes
with where it came from, and a timer's tick."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from schemas.envelope import Event
from streams.publish import Outgoing
from streams.stage import Handler, StageRunner

log = logging.getLogger(__name__)


async def run_event(runner: StageRunner, model: type[Event], event, handler: Handler):
    """Feed one Faust event (raw bytes) to runner.run with its topic and key."""
    message = event.message
    await runner.run(
        model,
        message.value,
        handler,
        topic=message.topic,
        key=message.key,
        where=(message.partition, message.offset),
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
    except Exception as exc:  # noqa: BLE001
        if runner.outages.is_outage(exc):
            runner.outages.noticed(runner.stage, exc)  # one log line, not one a tick
        else:
            log.exception("%s: timer tick failed", runner.stage)
    finally:
        runner.ticks += 1
