"""How the worker's health reads a stage: progress, not time in hand, decides."""

import time

from infra.health import WorkerHealth
from schemas.events import FetchDue
from streams.publish import ListPublisher, Outgoing
from streams.stage import RetryPolicy, StageRunner


class Database:
    waiting: set[str] = set()


def health(runner, stuck_after=60.0):
    return WorkerHealth(None, [runner], Database(), "127.0.0.1:1", stuck_after)


def test_an_idle_stage_is_healthy_and_a_stalled_one_is_not():
    runner = StageRunner("fetcher", ListPublisher(), RetryPolicy())
    assert health(runner)._stage(runner) == {
        "ok": True,
        "state": "idle",
        "busy_seconds": 0.0,
        "handled": 0,
        "ticks": 0,
    }
    runner.busy[1] = time.monotonic() - 120  # no progress for two minutes
    stage = health(runner)._stage(runner)
    assert not stage["ok"] and stage["state"] == "working"
    Database.waiting = {"fetcher"}  # waiting for the database is not being stuck
    try:
        stage = health(runner)._stage(runner)
        assert stage["ok"] and stage["state"] == "waiting_for_database"
    finally:
        Database.waiting = set()


async def test_publishing_is_progress():
    runner = StageRunner("fetcher", ListPublisher(), RetryPolicy())
    seen = []

    async def long_run(event):
        for n in range(3):
            runner_age = runner.oldest_busy()
            seen.append(runner_age)
            for token in runner.busy:  # as if the run began long ago
                runner.busy[token] -= 100
            yield Outgoing("inbox-posted", str(n), event)

    due = FetchDue(
        tenant_id="t", connection_id="c", reason="manual", since="2025-01-01"
    )
    await runner.run(FetchDue, due.to_bytes(), long_run, topic="fetch-due", key=b"c")
    assert all(age < 50 for age in seen)  # each publish reset the clock
    assert runner.busy == {} and runner.handled == 1
