"""Long runs of one stage side by side in one worker: up to `limit` at once, each its
own task; those waiting start in order of urgency (a person waiting first), and one
key (a connection) never has two runs at once in this worker.

Submitting returns once the run is queued, so the message that asked for it is
acknowledged before the run ends. That is safe only for runs that are durable
elsewhere: a fetch run is its connection's run id and lease in the database, and a
run lost with its worker is claimed again when the lease runs out."""

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Start = Callable[[], Awaitable[None]]
URGENT, ROUTINE = 0, 1


@dataclass(order=True)
class _Waiting:
    urgency: int
    seq: int
    key: bytes = field(compare=False)
    start: Start = field(compare=False)


class RunPool:
    def __init__(self, limit: int, waiting_limit: int | None = None) -> None:
        self.limit = limit
        # Past this many waiting, submit waits: the broker keeps the rest.
        self._room = asyncio.Semaphore(waiting_limit or 10 * limit)
        self._waiting: list[_Waiting] = []
        self._held: dict[bytes, list[_Waiting]] = {}  # behind a run of the same key
        self._running: dict[bytes, asyncio.Task] = {}
        self._seq = itertools.count()
        self.peak = 0  # most runs at once since the worker started
        self.started = 0
        self._closed = False

    @property
    def running(self) -> int:
        return len(self._running)

    @property
    def waiting(self) -> int:
        return len(self._waiting) + sum(len(h) for h in self._held.values())

    async def submit(self, key: bytes, urgency: int, start: Start) -> None:
        """Queue a run; returns when it is queued (waits only while the queue is
        full)."""
        await self._room.acquire()
        heapq.heappush(self._waiting, _Waiting(urgency, next(self._seq), key, start))
        self._pump()

    def _pump(self) -> None:
        while not self._closed and self._waiting and len(self._running) < self.limit:
            run = heapq.heappop(self._waiting)
            if run.key in self._running:
                self._held.setdefault(run.key, []).append(run)
                continue
            self._room.release()
            self._running[run.key] = asyncio.create_task(self._run(run))
            self.started += 1
            self.peak = max(self.peak, len(self._running))

    async def _run(self, run: _Waiting) -> None:
        try:
            await run.start()
        except asyncio.CancelledError:
            raise
        except Exception:  # the runner dead-letters; this is only a last guard
            log.exception("run for key %r failed", run.key)
        finally:
            del self._running[run.key]
            for held in self._held.pop(run.key, []):
                heapq.heappush(self._waiting, held)
            self._pump()

    async def close(self) -> None:
        """Stop every run: each is durable elsewhere and is picked up again."""
        self._closed = True
        self._waiting.clear()
        self._held.clear()
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
