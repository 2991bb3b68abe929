"""The run pool's decisions: how many at once, who starts first, one run per key."""

import asyncio

from streams.run_pool import ROUTINE, URGENT, RunPool


class Runs:
    """Runs that end when the test lets them, recording who started when."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.release: dict[str, asyncio.Event] = {}

    def run(self, name: str):
        self.release[name] = asyncio.Event()

        async def start() -> None:
            self.started.append(name)
            await self.release[name].wait()

        return start

    async def end(self, name: str) -> None:
        self.release[name].set()
        await asyncio.sleep(0)  # let the pool start the next


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_no_more_than_the_limit_run_at_once_and_submit_does_not_wait():
    pool, runs = RunPool(limit=3), Runs()
    for i in range(10):
        await asyncio.wait_for(
            pool.submit(f"c{i}".encode(), ROUTINE, runs.run(f"c{i}")), 1
        )
    await settle()
    assert (
        pool.running == 3 and pool.waiting == 7 and runs.started == ["c0", "c1", "c2"]
    )
    await runs.end("c1")
    await settle()
    assert runs.started == ["c0", "c1", "c2", "c3"] and pool.peak == 3
    await pool.close()


async def test_a_person_waiting_starts_before_routine_runs_queued_earlier():
    pool, runs = RunPool(limit=1), Runs()
    for name in ("busy", "later-1", "later-2"):
        await pool.submit(name.encode(), ROUTINE, runs.run(name))
    await pool.submit(b"first-fetch", URGENT, runs.run("first-fetch"))
    await settle()
    await runs.end("busy")
    await settle()
    assert runs.started == ["busy", "first-fetch"]
    await pool.close()


async def test_one_key_never_has_two_runs_at_once():
    pool, runs = RunPool(limit=5), Runs()
    await pool.submit(b"conn", ROUTINE, runs.run("a"))
    await pool.submit(b"conn", URGENT, runs.run("b"))
    await pool.submit(b"other", ROUTINE, runs.run("c"))
    await settle()
    assert sorted(runs.started) == ["a", "c"] and pool.waiting == 1
    await runs.end("a")
    await settle()
    assert runs.started[-1] == "b"
    await pool.close()


async def test_a_full_queue_makes_submit_wait_and_close_stops_every_run():
    pool, runs = RunPool(limit=1, waiting_limit=2), Runs()
    for name in ("a", "b"):
        await pool.submit(name.encode(), ROUTINE, runs.run(name))
    await settle()
    await pool.submit(b"c", ROUTINE, runs.run("c"))  # a started: room for one more
    blocked = asyncio.create_task(pool.submit(b"d", ROUTINE, runs.run("d")))
    await settle()
    assert not blocked.done()
    await runs.end("a")
    await settle()
    assert blocked.done()
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
