"""SharedPace's decisions on a clock of its own: how many slots it reserves, and
that a request never goes out after its slot has gone by."""

import asyncio

from adapters.portals.pacing import LocalBudget, SharedPace


class Recorded(LocalBudget):
    """The in-process budget, remembering each reservation's size; held shut by a
    test (as a slow database would be) until it opens `gate`."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        super().__init__()
        self.counts: list[int] = []
        self.gate = gate

    async def reserve(self, supplier_id, count, spacing, now):
        self.counts.append(count)
        if self.gate is not None:
            await self.gate.wait()
        return await super().reserve(supplier_id, count, spacing, now)


class Clock:
    """Time that moves only when a request sleeps (plus what a test adds)."""

    def __init__(self) -> None:
        self.now, self.late = 1000.0, 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + self.late


def pace(rate: float, budget: LocalBudget, clock: Clock) -> SharedPace:
    return SharedPace("s", rate, budget, clock=clock, sleep=clock.sleep)


async def test_reservations_cover_the_waiting_requests_within_bounds():
    budget, clock = Recorded(), Clock()
    slow = pace(4, budget, clock)  # a tenth of a second is under one slot
    async with slow:
        pass
    assert budget.counts == [1]

    gate, all_waiting = asyncio.Event(), asyncio.Event()
    budget, clock = Recorded(gate), Clock()
    fast = pace(50, budget, clock)  # at least 5 slots, at most 50 a reservation
    started = 0

    async def request():
        nonlocal started
        started += 1
        if started == 120:
            all_waiting.set()
        async with fast:
            pass

    requests = asyncio.gather(*(request() for _ in range(120)))
    await all_waiting.wait()  # the first reservation is held; the rest queue
    gate.set()
    await requests
    # The first came alone (a tenth of a second's worth); then all that queued
    # meanwhile, a second's worth at most.
    assert budget.counts[:2] == [5, 50] and all(5 <= n <= 50 for n in budget.counts)
    assert sum(budget.counts) >= 120


async def test_a_request_woken_after_its_slot_has_gone_takes_another():
    budget, clock = Recorded(), Clock()
    paced = pace(10, budget, clock)
    async with paced:  # on time
        pass
    sent = clock.now
    clock.late = 0.08  # the loop was busy: each wake-up comes 80 ms late
    async with paced:
        pass
    clock.late = 0.0
    # The late slot was dropped, not used: the request went out on a later one.
    assert len(budget.counts) >= 3
    assert clock.now - sent >= 0.1


async def test_a_busy_suppliers_next_slots_are_reserved_before_they_are_needed():
    budget, clock = Recorded(), Clock()
    busy = pace(100, budget, clock)  # ten slots a tenth of a second
    async with busy:
        pass
    assert budget.counts == [10] and busy._ahead is not None  # nine left: reserving
    await busy._ahead
    assert budget.counts == [10, 10]
    for _ in range(9):
        async with busy:
            pass
    assert budget.counts == [10, 10]  # ten in hand still: nothing more reserved

    rare = pace(4, Recorded(), Clock())  # a slot at a time: never ahead of need
    async with rare:
        pass
    assert rare._ahead is None
