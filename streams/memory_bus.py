"""The pipeline in one process, with no broker: each published event goes, as bytes,
to every stage subscribed to its topic. As on the broker, each stage takes its events
one at a time and the stages run side by side (a stage that waits for another, as the
notifier waits for the inbox, does not stop it). For tests of a chain of stages."""

import asyncio
from collections.abc import Iterable

from streams.publish import Outgoing
from streams.stage import RetryPolicy, StageRunner


class InMemoryBus:
    """publish() is the Publisher port; run() delivers until every stage is idle and
    nothing is left. Every event published is kept, for the test to read."""

    def __init__(self, subscriptions: Iterable, handlers: dict[str, object]) -> None:
        self.subscriptions = list(subscriptions)
        self.handlers = handlers
        self.runners = {
            stage: StageRunner(stage, self, RetryPolicy(attempts=1, backoff_seconds=0))
            for stage in handlers
        }
        self.published: list[Outgoing] = []
        self._queues: dict[str, asyncio.Queue] = {s: asyncio.Queue() for s in handlers}
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def publish(self, out: Outgoing) -> None:
        self.published.append(out)
        for sub in self.subscriptions:
            if sub.topic == out.topic and sub.stage in self.handlers:
                self._pending += 1
                self._idle.clear()
                self._queues[sub.stage].put_nowait((sub, out))

    async def run(self, timeout: float = 30.0) -> None:
        """Deliver what is queued, and all that follows from it, until idle."""
        workers = [asyncio.create_task(self._work(stage)) for stage in self._queues]
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def _work(self, stage: str) -> None:
        while True:
            sub, out = await self._queues[stage].get()
            try:
                await self.runners[stage].run(
                    sub.model,
                    out.event.to_bytes(),
                    getattr(self.handlers[stage], sub.method),
                    topic=out.topic,
                    key=out.key.encode() if out.key is not None else None,
                )
            finally:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()

    async def tick(self, stage: str, method: str = "on_tick") -> None:
        """One timer tick of a stage; what it publishes is delivered by run()."""
        async for out in getattr(self.handlers[stage], method)():
            await self.publish(out)

    def events(self, topic: str) -> list:
        return [o.event for o in self.published if o.topic == topic]
