"""The pipeline table (agents/pipeline.py) made into Faust agents and timers: one
agent per subscription, each feeding raw events to its stage's runner, directly or,
for long runs, through the stage's run pool."""

import faust

from agents.pipeline import SUBSCRIPTIONS, TIMERS, Subscription, Timer, urgent
from schemas import bounded_json
from schemas.envelope import MAX_EVENT_BYTES
from streams.feeding import run_event, run_timer
from streams.run_pool import ROUTINE, URGENT, RunPool
from streams.stage import Raw, StageRunner
from streams.topics import Topics

# Events a batched stage takes at once, and how long it waits for more to arrive:
# under load batches fill at once; an event alone waits at most BATCH_WITHIN.
BATCH_SIZE = 100
BATCH_WITHIN = 0.05


def wire(
    app: faust.App,
    topics: Topics,
    runners: dict[str, StageRunner],
    handlers: dict[str, object],
    tick: float,
    pools: dict[str, RunPool] | None = None,
) -> None:
    for sub in SUBSCRIPTIONS:
        runner, handler = runners[sub.stage], handlers[sub.stage]
        if sub.pooled and pools and sub.stage in pools:
            _pooled_agent(app, topics, sub, runner, handler, pools[sub.stage])
        else:
            _agent(app, topics, sub, runner, handler)
    for timer in TIMERS:
        _timer(app, timer, runners[timer.stage], handlers[timer.stage], tick)


def _agent(app, topics, sub: Subscription, runner: StageRunner, handler) -> None:
    method = getattr(handler, sub.method)

    async def consume(stream):
        async for event in stream.events():
            await run_event(runner, sub.model, event, method)

    async def consume_batches(stream):
        # Faust acks a batch's events once this body has handled them all.
        async for events in stream.take_events(BATCH_SIZE, within=BATCH_WITHIN):
            messages = [
                Raw(m.value, m.topic, m.key, (m.partition, m.offset))
                for m in (event.message for event in events)
            ]
            await runner.run_batch(sub.model, messages, batch, method)

    if sub.batch is not None:
        batch = getattr(handler, sub.batch)
        consume = consume_batches

    consume.__name__ = consume.__qualname__ = sub.name.replace("-", "_")
    app.agent(topics[sub.topic], name=sub.name, concurrency=1)(consume)


def _pooled_agent(app, topics, sub: Subscription, runner, handler, pool: RunPool):
    """Each message becomes a run in the pool; the agent moves on (and Faust commits
    its offset) once the run is queued, never waiting for it to end. Faust's own
    agent concurrency is not used: it commits offsets past unfinished events
    (faust-streaming #606); here a queued run is durable in its connection's lease,
    so committing past it loses nothing."""
    method = getattr(handler, sub.method)

    async def consume(stream):
        async for event in stream.events():
            message = event.message
            urgency = URGENT if _urgent(sub.topic, message.value) else ROUTINE

            async def start(message=message) -> None:
                await runner.run(
                    sub.model,
                    message.value,
                    method,
                    topic=message.topic,
                    key=message.key,
                    where=(message.partition, message.offset),
                )

            await pool.submit(message.key or b"", urgency, start)

    consume.__name__ = consume.__qualname__ = sub.name.replace("-", "_")
    app.agent(topics[sub.topic], name=sub.name, concurrency=1)(consume)


def _urgent(topic: str, raw: bytes | None) -> bool:
    try:
        event = bounded_json.loads(raw or b"", max_bytes=MAX_EVENT_BYTES)
    except ValueError:
        return False  # poison: the runner dead-letters it, in its turn
    return isinstance(event, dict) and urgent(topic, event)


def _timer(app, timer: Timer, runner: StageRunner, handler, tick: float) -> None:
    method = getattr(handler, timer.method)

    async def tick_once():
        await run_timer(runner, method)

    tick_once.__name__ = tick_once.__qualname__ = timer.name.replace("-", "_")
    app.timer(tick, on_leader=True, name=timer.name)(tick_once)
