"""The pipeline table (agents/pipeline.py) made into Faust agents and timers: one
agent per subscription, each feeding raw events to its stage's runner."""

import faust

from agents.pipeline import SUBSCRIPTIONS, TIMERS, Subscription, Timer
from streams.stage import StageRunner, run_event, run_timer
from streams.topics import Topics


def wire(
    app: faust.App,
    topics: Topics,
    runners: dict[str, StageRunner],
    handlers: dict[str, object],
    tick: float,
) -> None:
    for sub in SUBSCRIPTIONS:
        _agent(app, topics, sub, runners[sub.stage], handlers[sub.stage])
    for timer in TIMERS:
        _timer(app, timer, runners[timer.stage], handlers[timer.stage], tick)


def _agent(app, topics, sub: Subscription, runner: StageRunner, handler) -> None:
    method = getattr(handler, sub.method)

    async def consume(stream):
        async for event in stream.events():
            await run_event(runner, sub.model, event, method)

    consume.__name__ = consume.__qualname__ = sub.name.replace("-", "_")
    app.agent(topics[sub.topic], name=sub.name, concurrency=1)(consume)


def _timer(app, timer: Timer, runner: StageRunner, handler, tick: float) -> None:
    method = getattr(handler, timer.method)

    async def tick_once():
        await run_timer(runner, method)

    tick_once.__name__ = tick_once.__qualname__ = timer.name.replace("-", "_")
    app.timer(tick, on_leader=True, name=timer.name)(tick_once)
