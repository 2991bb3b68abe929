"""The stage runner: poison to dead-letter with the reason, retries, nothing escapes."""

import asyncio
import base64

from schemas.events import FetchDue
from streams.publish import ListPublisher, Outgoing
from streams.stage import Effects, Raw, RetryPolicy, StageRunner


def runner():
    return StageRunner(
        "test", ListPublisher(), RetryPolicy(attempts=3, backoff_seconds=0)
    )


async def ok_handler(event):
    yield Outgoing("inbox-posted", "k", event)


async def test_malformed_event_is_dead_lettered_with_reason_and_bytes():
    r = runner()
    await r.run(FetchDue, b"{oops", ok_handler, topic="fetch-due", key=b"c1")
    (letter,) = r.publisher.events("dead-letter")
    assert letter.original_topic == "fetch-due" and letter.stage == "test"
    assert "not JSON" in letter.error and letter.attempts == 0
    assert base64.b64decode(letter.original_value_b64) == b"{oops"
    assert base64.b64decode(letter.original_key_b64) == b"c1"


async def test_failing_handler_is_retried_then_dead_lettered():
    calls = []

    async def broken(event):
        calls.append(1)
        raise RuntimeError("database down")
        yield

    r = runner()
    due = FetchDue(
        tenant_id="t", connection_id="c", reason="manual", since="2025-01-01"
    )
    await r.run(FetchDue, due.to_bytes(), broken, topic="fetch-due", key=b"c")
    assert len(calls) == 3
    (letter,) = r.publisher.events("dead-letter")
    assert letter.error == "RuntimeError: database down" and letter.attempts == 3
    assert letter.causation_id == due.event_id and letter.tenant_id == "t"


async def test_a_transient_failure_recovers_without_dead_letter():
    calls = []

    async def flaky(event):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("blip")
        yield Outgoing("inbox-posted", "k", event)

    r = runner()
    due = FetchDue(
        tenant_id="t", connection_id="c", reason="manual", since="2025-01-01"
    )
    await r.run(FetchDue, due.to_bytes(), flaky, topic="fetch-due", key=None)
    assert r.publisher.events("dead-letter") == []
    assert len(r.publisher.events("inbox-posted")) == 1


def due(connection_id: str) -> FetchDue:
    return FetchDue(
        tenant_id="t", connection_id=connection_id, reason="manual", since="2025-01-01"
    )


async def test_a_failed_batch_runs_each_event_on_its_own():
    async def batch(events):
        if any(e.connection_id == "bad" for e in events):
            raise ValueError("one bad event")
        return Effects([Outgoing("inbox-posted", "k", e) for e in events])

    async def single(event):
        if event.connection_id == "bad":
            raise ValueError("no such connection")
        yield Outgoing("inbox-posted", "k", event)

    r = runner()
    raws = [due("c1").to_bytes(), b"{oops", due("bad").to_bytes(), due("c2").to_bytes()]
    messages = [Raw(raw, "fetch-due", b"k", (0, i)) for i, raw in enumerate(raws)]
    await r.run_batch(FetchDue, messages, batch, single)
    posted = [e.connection_id for e in r.publisher.events("inbox-posted")]
    assert posted == ["c1", "c2"]
    letters = r.publisher.events("dead-letter")
    assert [letter.original_offset for letter in letters] == [1, 2]
    assert "ValueError: no such connection" in letters[1].error
    assert r.handled == 4 and not r.busy
    await r.run_batch(FetchDue, messages[:1] + messages[3:], batch, single)
    assert len(r.publisher.events("inbox-posted")) == 4  # a whole batch, in one go


async def test_a_batchs_closing_write_runs_behind_the_next_batch_in_order():
    """Marking a batch done overlaps judging the next; two marks never overlap, and a
    failed mark is logged while the stage goes on."""
    order: list[str] = []
    release = asyncio.Event()
    reached = {step: asyncio.Event() for step in ("first mark starts", "second judged")}

    def note(step: str) -> None:
        order.append(step)
        if step in reached:
            reached[step].set()

    def batch_with(name: str, fails: bool = False):
        async def mark():
            note(f"{name} mark starts")
            await release.wait()
            if fails:
                raise ConnectionError("database away")
            note(f"{name} marked")

        async def batch(events):
            note(f"{name} judged")
            return Effects([Outgoing("inbox-posted", "k", e) for e in events], mark)

        return batch

    r = runner()
    message = [Raw(due("c1").to_bytes(), "fetch-due", b"k", (0, 0))]
    await r.run_batch(FetchDue, message, batch_with("first", fails=True), ok_handler)
    await reached["first mark starts"].wait()  # and waits on the database
    second = asyncio.ensure_future(
        r.run_batch(FetchDue, message, batch_with("second"), ok_handler)
    )
    await reached["second judged"].wait()
    assert order == ["first judged", "first mark starts", "second judged"]
    release.set()
    await second
    await r._behind
    assert order[3:] == ["second mark starts", "second marked"]
    assert len(r.publisher.events("inbox-posted")) == 2
