"""The stage runner: poison to dead-letter with the reason, retries, nothing escapes."""

import base64

from schemas.events import FetchDue
from streams.publish import ListPublisher, Outgoing
from streams.stage import RetryPolicy, StageRunner


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
