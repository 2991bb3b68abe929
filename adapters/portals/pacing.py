"""One supplier's request pace, shared by every worker: request slots 1/rate apart
are reserved from a shared budget a window at a time and handed out here in order."""

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger(__name__)


class RequestBudget(Protocol):
    """Where the workers' slots for a supplier are handed out, each slot once."""

    async def reserve(
        self, supplier_id: str, count: int, spacing: float, now: float
    ) -> float:
        """The start (epoch seconds) of `count` slots `spacing` apart that nobody
        else holds: now, or when the last reservation made by anyone ends."""


class LocalBudget:
    """The budget within one process (a CLI check, unit tests): a worker's pace
    over the database's budget is what holds across workers."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}

    async def reserve(
        self, supplier_id: str, count: int, spacing: float, now: float
    ) -> float:
        start = max(self._next.get(supplier_id, now), now)
        self._next[supplier_id] = start + count * spacing
        return start


class SharedPace:
    """`async with pace:` before each request to one supplier. Slots come from the
    shared budget for the requests waiting, at least a tenth of a second's worth and
    at most a second's, so the database sees a write per batch of requests, never
    one per request, and a slow worker holds back others for at most a second. A
    supplier busy enough to use several slots a tenth of a second has its next ones
    reserved while it uses these."""

    def __init__(
        self,
        supplier_id: str,
        requests_per_second: float,
        budget: RequestBudget,
        *,
        window_seconds: float = 1.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.supplier_id, self._budget = supplier_id, budget
        self.spacing, self._rate = 1 / requests_per_second, requests_per_second
        self._most = max(1, int(requests_per_second * window_seconds))
        self._least = min(self._most, math.ceil(requests_per_second * 0.1))
        self._lead = 0.0  # how long a reservation takes: slots start after it comes
        self._clock, self._sleep = clock, sleep
        self._slots: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._waiting = 0
        self._ahead: asyncio.Future | None = None  # a reservation made ahead of need

    async def __aenter__(self) -> None:
        for attempt in range(2):
            slot = await self._slot()
            wait = slot - self._clock()
            if wait > 0:
                await self._sleep(wait)
            # Woken late (the loop was busy), the slot has gone by: used now, it
            # would crowd the next one, so take another, once; a loop late again
            # sends late rather than never. On time, a request goes out within
            # half a spacing of its slot: rate + 1 at most in any second.
            if attempt or self._clock() <= slot + self.spacing / 2:
                return

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def _slot(self) -> float:
        """The next slot not yet gone by, reserving more when none are left."""
        self._waiting += 1
        try:
            async with self._lock:
                while True:
                    now = self._clock()
                    while self._slots and self._slots[0] < now - self.spacing / 2:
                        self._slots.popleft()
                    if self._slots:
                        break
                    if self._ahead is not None:
                        await self._ahead
                    else:
                        await self._reserve(now)
                slot = self._slots.popleft()
                busy = self._least > 1 and len(self._slots) < self._hand()
                if busy and self._ahead is None:
                    # A busy supplier keeps slots in hand for longer than the database
                    # takes to answer, so its requests do not wait on it.
                    self._ahead = asyncio.ensure_future(self._reserve_ahead(now))
                return slot
        finally:
            self._waiting -= 1

    async def _reserve_ahead(self, now: float) -> None:
        try:
            await self._reserve(now)
        except Exception as exc:  # noqa: BLE001 - the next request reserves itself
            log.info("reserving %s's next requests failed: %s", self.supplier_id, exc)
        finally:
            self._ahead = None

    def _hand(self) -> int:
        """Slots to hold: a tenth of a second's worth, or two reservations' time
        when the database is slower than that; a second's worth at most."""
        covered = math.ceil(self._rate * 2 * self._lead)
        return min(self._most, max(self._least, covered))

    async def _reserve(self, now: float) -> None:
        count = min(max(self._waiting, self._hand()), self._most)
        start = await self._budget.reserve(
            self.supplier_id, count, self.spacing, now + self._lead
        )
        took = self._clock() - now
        self._lead = min(0.5, 0.8 * self._lead + 0.2 * max(0.0, took))
        self._slots.extend(start + i * self.spacing for i in range(count))
