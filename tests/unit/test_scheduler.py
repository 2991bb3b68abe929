"""Scheduler decisions: fetch at once, re-check on schedule, one run at a time."""

from datetime import date, timedelta

from adapters.store.memory import InMemoryConnectionStore, InMemorySupplierStore
from agents.schedule_policy import (
    SchedulePolicy,
    fetch_due_for,
    new_connection,
    next_check_at,
    pick_claims,
)
from agents.scheduler import SchedulerHandler
from schemas.records import ConnectionStatus, FetchReason, FetchSchedule
from tests.unit.factories import NOW, created, drain

POLICY = SchedulePolicy(lease_seconds=600, jitter_fraction=0.1, lookback_days=14)


def handler(store=None, now=NOW, suppliers=None, limit=2):
    return SchedulerHandler(
        store or InMemoryConnectionStore(),
        POLICY,
        suppliers or InMemorySupplierStore(),
        lambda _: limit,
        clock=lambda: now,
    )


async def test_created_connection_is_stored_and_fetched_at_once():
    store = InMemoryConnectionStore()
    event = created()
    out = await drain(handler(store).on_connection_created(event))
    assert [o.topic for o in out] == ["connection-status-changed", "fetch-due"]
    due = out[1].event
    assert due.reason is FetchReason.INITIAL and due.since == date(2025, 1, 1)
    assert due.correlation_id == event.correlation_id and out[1].key == "c1"
    stored = store.rows["c1"]
    assert (
        stored.status is ConnectionStatus.PENDING
        and stored.run_id == due.correlation_id
    )


async def test_a_repeated_creation_changes_nothing():
    store = InMemoryConnectionStore()
    await drain(handler(store).on_connection_created(created()))
    assert await drain(handler(store).on_connection_created(created())) == []


async def test_tick_never_starts_a_second_run_while_one_holds_the_lease():
    store = InMemoryConnectionStore()
    await drain(handler(store).on_connection_created(created()))
    assert await drain(handler(store, NOW + timedelta(seconds=60)).on_tick()) == []
    # Once the lease lapses (a crashed fetcher), the timer issues the fetch again.
    late = await drain(handler(store, NOW + timedelta(seconds=601)).on_tick())
    assert [o.event.reason for o in late] == [FetchReason.INITIAL]


async def test_tick_skips_disrupted_and_not_yet_due_connections():
    store = InMemoryConnectionStore()
    conn = new_connection(created(), NOW, POLICY)
    await store.create(conn.model_copy(update={"run_id": None, "connection_id": "due"}))
    await store.create(
        conn.model_copy(
            update={
                "run_id": None,
                "connection_id": "later",
                "next_check_at": NOW + timedelta(1),
            }
        )
    )
    await store.create(
        conn.model_copy(
            update={
                "run_id": None,
                "connection_id": "broken",
                "status": ConnectionStatus.DISRUPTED,
            }
        )
    )
    out = await drain(handler(store).on_tick())
    assert [o.key for o in out] == ["due"]


def test_scheduled_fetch_looks_back_from_the_bookmark_but_not_before_collect_from():
    conn = new_connection(created(), NOW, POLICY).model_copy(
        update={"last_fetch_at": NOW, "bookmark": date(2025, 6, 10)}
    )
    due = fetch_due_for(conn, "run", POLICY)
    assert due.reason is FetchReason.SCHEDULED and due.since == date(2025, 5, 27)
    early = conn.model_copy(update={"bookmark": date(2025, 1, 3)})
    assert fetch_due_for(early, "run", POLICY).since == date(2025, 1, 1)
    retry = conn.model_copy(update={"failed_attempts": 2})
    assert fetch_due_for(retry, "run", POLICY).reason is FetchReason.RETRY
    assert fetch_due_for(retry, "run", POLICY).attempt == 3


def test_each_connection_is_checked_every_interval_at_its_own_phase():
    daily = new_connection(
        created(schedule=FetchSchedule(interval_hours=24)), NOW, POLICY
    )
    first = next_check_at(daily, NOW, POLICY, 0.0)
    assert NOW + timedelta(hours=12) <= first < NOW + timedelta(hours=36)
    # Checked at its slot, it is next due exactly one interval later.
    assert next_check_at(daily, first, POLICY, 0.0) == first + timedelta(hours=24)
    late = first + timedelta(minutes=20)  # a run that started or took a while
    assert next_check_at(daily, late, POLICY, 0.0) == first + timedelta(hours=24)
    jittered = next_check_at(daily, first, POLICY, 0.999)
    assert first + timedelta(hours=24) <= jittered < first + timedelta(hours=24 * 1.1)


def test_connections_made_together_are_rechecked_evenly_over_the_week():
    """No Monday-morning cliff: 7,000 connections made in one minute spread over the
    seven days that follow, and so do the connections of each supplier."""
    per_day: dict[tuple[str, int], int] = {}
    for i in range(7000):
        supplier = ("a", "b")[i % 2]
        conn = new_connection(
            created(connection_id=f"c{i}", supplier_id=supplier), NOW, POLICY
        )
        made = NOW + timedelta(seconds=i % 60)
        at = next_check_at(conn, made, POLICY, 0.0)
        day = int((at - (made + timedelta(days=3.5))).total_seconds() // 86400)
        assert 0 <= day < 7
        per_day[supplier, day] = per_day.get((supplier, day), 0) + 1
    # 3,500 per supplier over 7 days: 500 a day, within 15%.
    assert all(425 <= n <= 575 for n in per_day.values()), per_day
    assert len(per_day) == 14


async def _due_connections(store, ids, supplier="northwind-energy"):
    for cid in ids:
        await store.create(
            new_connection(
                created(connection_id=cid), NOW - timedelta(days=1), POLICY
            ).model_copy(
                update={
                    "supplier_id": supplier,
                    "run_id": None,
                    "next_check_at": NOW - timedelta(minutes=1),
                }
            )
        )


async def test_tick_keeps_each_supplier_within_its_session_limit():
    store = InMemoryConnectionStore()
    await _due_connections(store, ["a", "b", "c"])
    await _due_connections(store, ["x"], supplier="other")
    out = await drain(handler(store, limit=2).on_tick())
    claimed = sorted(o.event.connection_id for o in out)
    assert len([c for c in claimed if c in "abc"]) == 2 and "x" in claimed
    assert await drain(handler(store, limit=2).on_tick()) == []  # both still running


async def test_tick_skips_paused_suppliers():
    store, suppliers = InMemoryConnectionStore(), InMemorySupplierStore()
    await _due_connections(store, ["a"])
    await suppliers.pause("northwind-energy", "layout_changed", NOW)
    assert await drain(handler(store, suppliers=suppliers).on_tick()) == []
    await suppliers.resume("northwind-energy")
    out = await drain(handler(store, suppliers=suppliers).on_tick())
    assert [o.event.connection_id for o in out] == ["a"]


async def test_tick_claims_every_due_connection_in_batches_up_to_max_running():
    store = InMemoryConnectionStore()
    await _due_connections(store, [f"c{i}" for i in range(12)])
    small = SchedulePolicy(lease_seconds=600, claim_batch=5, max_running=10)
    tick = SchedulerHandler(
        store, small, InMemorySupplierStore(), lambda _: 100, clock=lambda: NOW
    )
    out = await drain(tick.on_tick())
    assert len(out) == 10  # two full batches and part of a third, then the cap
    assert len({o.event.correlation_id for o in out}) == 10  # one run id each
    assert len(await drain(tick.on_tick())) == 0  # ten running: no room


def test_picks_keep_each_supplier_within_its_free_sessions():
    due = [
        new_connection(created(connection_id=c, supplier_id=s), NOW, POLICY)
        for c, s in [("a1", "a"), ("a2", "a"), ("b1", "b"), ("a3", "a"), ("b2", "b")]
    ]
    running = {"a": 1}
    picked = pick_claims(due, running, lambda s: {"a": 2, "b": 5}[s])
    assert [c.connection_id for c in picked] == ["a1", "b1", "b2"]
    assert running == {"a": 2, "b": 2}


async def test_a_first_fetch_waits_while_its_supplier_has_no_free_session():
    store = InMemoryConnectionStore()
    busy = handler(store, limit=1)
    first = await drain(busy.on_connection_created(created(connection_id="c1")))
    assert [o.topic for o in first] == ["connection-status-changed", "fetch-due"]
    second = await drain(busy.on_connection_created(created(connection_id="c2")))
    assert [o.topic for o in second] == ["connection-status-changed"]
    waiting = store.rows["c2"]
    assert waiting.run_id is None and waiting.next_check_at == NOW  # due now
    # The first run ends (next due in a week): the tick starts the second.
    c1 = store.rows["c1"]
    ended = c1.release(c1.run_id).model_copy(
        update={"next_check_at": NOW + timedelta(days=7)}
    )
    await store.save(ended)
    out = await drain(handler(store, limit=1).on_tick())
    assert [(o.event.connection_id, o.event.reason) for o in out] == [
        ("c2", FetchReason.INITIAL)
    ]
