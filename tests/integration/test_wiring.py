"""The Faust wiring of the pipeline table, through Faust's own test context: each
subscription is an agent that hands the raw bytes, topic and key of its events to
its stage's runner, and a poison event becomes a dead letter, not a crash."""

import asyncio

import pytest

from adapters.store.memory import InMemoryConnectionStore, InMemorySupplierStore
from agents.pipeline import SUBSCRIPTIONS, TIMERS
from agents.schedule_policy import SchedulePolicy
from agents.scheduler import SchedulerHandler
from infra.wiring import wire
from streams.app import StreamSettings, create_app
from streams.publish import ListPublisher
from streams.stage import RetryPolicy, StageRunner
from streams.topics import Topics
from tests.unit.factories import NOW, created


class Anything:
    """A stage handler that the test does not drive."""

    def __getattr__(self, name):
        async def nothing(*_):
            return
            yield

        return nothing


@pytest.fixture
def wired():
    app = create_app(StreamSettings("wiring-test", "127.0.0.1:1"))
    published = ListPublisher()
    stages = {sub.stage for sub in SUBSCRIPTIONS}
    runners = {s: StageRunner(s, published, RetryPolicy(1, 0)) for s in stages}
    handlers: dict[str, object] = {s: Anything() for s in stages}
    connections = InMemoryConnectionStore()
    handlers["scheduler"] = SchedulerHandler(
        connections, SchedulePolicy(), InMemorySupplierStore(), clock=lambda: NOW
    )
    wire(app, Topics(app), runners, handlers, tick=60)
    return app, published, connections


def test_every_subscription_and_timer_is_wired(wired):
    app, _, _ = wired
    assert sorted(app.agents) == sorted(sub.name for sub in SUBSCRIPTIONS)
    topics = {name: set(agent.channel.topics) for name, agent in app.agents.items()}
    assert topics == {sub.name: {sub.topic} for sub in SUBSCRIPTIONS}
    assert len(TIMERS) == 3


async def test_an_agent_hands_its_events_to_the_stage(wired):
    app, published, connections = wired
    async with app.agents["scheduler"].test_context() as agent:
        await agent.put(created().to_bytes(), key=b"c1")
        await agent.put(b"{not json", key=b"c2")
    assert (await connections.get("c1")).status.value == "pending"
    assert [o.topic for o in published.sent] == [
        "connection-status-changed",
        "fetch-due",
        "dead-letter",
    ]
    letter = published.sent[-1].event
    assert letter.original_topic == "connection-created" and "not JSON" in letter.error


async def test_a_pooled_agent_queues_runs_and_moves_on_before_they_end():
    """fetch-due goes to the run pool: the agent takes the next message while the
    runs go on, and an urgent run (a first fetch) starts before routine ones."""
    from schemas.events import FetchDue
    from schemas.records import FetchReason
    from streams.run_pool import RunPool

    app = create_app(StreamSettings("pool-test", "127.0.0.1:1"))
    stages = {sub.stage for sub in SUBSCRIPTIONS}
    runners = {s: StageRunner(s, ListPublisher(), RetryPolicy(1, 0)) for s in stages}
    handlers: dict[str, object] = {s: Anything() for s in stages}
    started, release, all_started = [], asyncio.Event(), asyncio.Event()

    class Fetcher(Anything):
        async def on_fetch_due(self, due):
            started.append(due.connection_id)
            if len(started) == 3:
                all_started.set()
            await release.wait()
            return
            yield

    handlers["fetcher"] = Fetcher()
    pool = RunPool(limit=1)
    wire(app, Topics(app), runners, handlers, tick=60, pools={"fetcher": pool})

    def due(conn: str, reason: FetchReason) -> bytes:
        return FetchDue(
            tenant_id="t1",
            connection_id=conn,
            reason=reason,
            since=NOW.date(),
        ).to_bytes()

    async with app.agents["fetcher"].test_context() as agent:
        await agent.put(due("c1", FetchReason.SCHEDULED), key=b"c1")
        await agent.put(due("c2", FetchReason.SCHEDULED), key=b"c2")
        await agent.put(due("c3", FetchReason.INITIAL), key=b"c3")
        # All three taken while the first run still holds the only place.
        assert started == ["c1"] and pool.waiting == 2
        release.set()
        await asyncio.wait_for(all_started.wait(), 1)
        assert started == ["c1", "c3", "c2"]
    await pool.close()
