"""The run pool's decisions: how many at once, who starts first, one run per key.
Each run reports its start by an event; tests wait for those, never for time."""

import asyncio

from streams.run_pool import ROUTINE, URGENT, RunPool


class Runs:
    """Runs that end when the test lets them, recording who started when."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.begun: dict[str, asyncio.Event] = {}
        self.release: dict[str, asyncio.Event] = {}

    def run(self, name: str):
        self.begun[name], self.release[name] = asyncio.Event(), asyncio.Event()

        async def start() -> None:
            self.started.append(name)
            self.begun[name].set()
            await self.release[name].wait()

        return start

    async def have_begun(self, *names: str) -> None:
        for name in names:
            await asyncio.wait_for(self.begun[name].wait(), 1)

    def end(self, name: str) -> None:
        self.release[name].set()


async def test_no_more_than_the_limit_run_at_once_and_submit_does_not_wait():
    pool, runs = RunPool(limit=3), Runs()
    for i in range(10):
        await asyncio.wait_for(
            pool.submit(f"c{i}".encode(), ROUTINE, runs.run(f"c{i}")), 1
        )
    await runs.have_begun("c0", "c1", "c2")
    assert (
        pool.running == 3 and pool.waiting == 7 and runs.started == ["c0", "c1", "c2"]
    )
    runs.end("c1")
    await runs.have_begun("c3")
    assert runs.started == ["c0", "c1", "c2", "c3"] and pool.peak == 3
    await pool.close()


async def test_a_person_waiting_starts_before_routine_runs_queued_earlier():
    pool, runs = RunPool(limit=1), Runs()
    for name in ("busy", "later-1", "later-2"):
        await pool.submit(name.encode(), ROUTINE, runs.run(name))
    await pool.submit(b"first-fetch", URGENT, runs.run("first-fetch"))
    await runs.have_begun("busy")
    runs.end("busy")
    await runs.have_begun("first-fetch")
    assert runs.started == ["busy", "first-fetch"]
    await pool.close()


async def test_one_key_never_has_two_runs_at_once():
    pool, runs = RunPool(limit=5), Runs()
    await pool.submit(b"conn", ROUTINE, runs.run("a"))
    await pool.submit(b"conn", URGENT, runs.run("b"))
    await pool.submit(b"other", ROUTINE, runs.run("c"))
    await runs.have_begun("a", "c")
    assert sorted(runs.started) == ["a", "c"] and pool.waiting == 1
    runs.end("a")
    await runs.have_begun("b")
    assert runs.started[-1] == "b"
    await pool.close()


async def test_a_full_queue_makes_submit_wait_and_close_stops_every_run():
    pool, runs = RunPool(limit=1, waiting_limit=2), Runs()
    for name in ("a", "b"):
        await pool.submit(name.encode(), ROUTINE, runs.run(name))
    await runs.have_begun("a")
    await pool.submit(b"c", ROUTINE, runs.run("c"))  # a started: room for one more
    trying = asyncio.Event()

    async def submit_d() -> None:
        trying.set()  # runs on, without yielding, into submit's wait for room
        await pool.submit(b"d", ROUTINE, runs.run("d"))

    blocked = asyncio.create_task(submit_d())
    await trying.wait()
    assert not blocked.done()  # b and c wait: no room for d
    runs.end("a")
    await runs.have_begun("b")
    await asyncio.wait_for(blocked, 1)  # b started: its place in the queue is d's
    await pool.close()
    assert pool.running == 0 and runs.started == ["a", "b"]


async def test_a_run_that_raises_frees_its_place():
    pool = RunPool(limit=1)
    done = asyncio.Event()

    async def broken() -> None:
        raise RuntimeError("a bug")

    async def fine() -> None:
        done.set()

    await pool.submit(b"x", ROUTINE, broken)
    await pool.submit(b"y", ROUTINE, fine)
    await asyncio.wait_for(done.wait(), 1)
    await pool.close()
