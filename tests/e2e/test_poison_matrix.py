"""Every input topic against every kind of poison (not JSON, wrong shape, wrong types,
a future version, deep nesting, a huge integer, invalid UTF-8, 900 KB), sent as raw
bytes: each is dead-lettered with its reason, and the well-formed event sent after
it on the same partition is still handled by the stage."""

from bench.poison_matrix import INPUT_TOPICS, REASONS, run


async def test_every_poison_on_every_input_topic_is_dead_lettered_with_its_reason(
    stack,
):
    rows = await run(stack.kafka, "", stack.mongodb_uri, stack.db_name)
    assert [r["topic"] for r in rows] == list(INPUT_TOPICS)
    for row in rows:
        assert row["missing"] == [], row
        assert row["with_reason"] == len(REASONS), row
        assert row["good_handled"], row
