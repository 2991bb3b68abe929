"""2-factor by a code the portal sends: the fetch waits, resumes on the answer, expires
cleanly, and the kept (sealed) session spares the person a code on the next run."""

from datetime import date

from infra.settings import Settings
from schemas.topics import TOPIC_NAMES
from tests.bus import caught_up, produce, raw_values
from tests.e2e.fleet import (
    connect_to,
    connection,
    events_for,
    expected,
    inbox_of,
    published_for,
)
from tests.e2e.test_pipeline import wait_for
from tests.e2e.upstream import challenge_answered

KEY, LOGIN = "hearth-gas/default", "sms@hearth.example"


async def answer(stack, asked: dict, code: str) -> None:
    raw = challenge_answered(
        stack.keys,
        tenant=asked["tenant_id"],
        connection=asked["connection_id"],
        challenge=asked["challenge_id"],
        code=code,
    )
    await produce(
        stack.kafka, "challenge-answered", raw, asked["connection_id"].encode()
    )


async def sent_code(stack) -> str:
    return (await stack.portal_call(KEY, "GET", f"/_demo/codes/{LOGIN}"))["code"]


async def test_a_sent_code_pauses_the_fetch_and_the_answer_resumes_it(stack, db, web):
    before = await stack.portal_stats(KEY)
    tenant, conn = await connect_to(stack, KEY, LOGIN)
    (asked,) = await events_for(stack, "challenge-required", conn)
    assert asked["medium"] == "sms" and asked["destination_hint"] == "phone ending 42"
    assert asked["supplier_name"] == "Hearth Gas"
    waiting = await connection(db, conn)
    assert waiting["challenge"]["challenge_id"] == asked["challenge_id"]
    assert waiting["status"] == "pending"

    code = await sent_code(stack)
    await answer(stack, asked, code)
    want = expected(KEY, LOGIN, date(2025, 1, 1))
    assert len(await inbox_of(db, conn, len(want))) == len(want)
    done = await connection(db, conn)
    assert done["status"] == "connected" and done["challenge"] is None
    # The portal session is kept, sealed: no cookie value is readable in the database.
    assert set(done["portal_session"]) >= {"key_id", "ciphertext"}

    # The next run, asked for as a person would (fetch now), resumes the kept session:
    # no new login, no new code for the person.
    last = done["last_fetch_at"]
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    await web.add_tenant(tenant, "Hearth customer", settings)
    status, _ = await web.call(tenant, "POST", f"/v1/connections/{conn}/fetch")
    assert status == 202

    async def second_run_done():
        doc = await connection(db, conn)
        return doc["last_fetch_at"] > last and doc["run_id"] is None

    assert await wait_for(second_run_done)
    after = await stack.portal_stats(KEY)
    assert after["codes_sent"][LOGIN] - before["codes_sent"].get(LOGIN, 0) == 1
    assert after["login_attempts"][LOGIN] - before["login_attempts"].get(LOGIN, 0) == 1
    await caught_up(stack, "fetch-due")
    assert len(await published_for(stack, "challenge-required", conn)) == 1

    # The code never travels or rests in clear.
    everything = await raw_values(stack.kafka, list(TOPIC_NAMES))
    assert not any(code.encode() in v for v in everything)
    assert code.encode() not in stack.worker_log.read_bytes()


async def test_a_wrong_code_disrupts_with_wrong_challenge_code(stack, db):
    _, conn = await connect_to(stack, KEY, LOGIN)
    (asked,) = await events_for(stack, "challenge-required", conn)
    right = await sent_code(stack)
    await answer(stack, asked, "000000" if right != "000000" else "111111")
    (failed,) = await events_for(stack, "auth-failed", conn)
    assert failed["error_code"] == "wrong_challenge_code"
    assert "newest code" in failed["remedy"]
    assert (await connection(db, conn))["status"] == "disrupted"


async def test_an_unanswered_code_expires_cleanly(stack, db):
    _, conn = await connect_to(stack, KEY, LOGIN)
    (asked,) = await events_for(stack, "challenge-required", conn)
    (failed,) = await events_for(stack, "auth-failed", conn, timeout=30)
    assert failed["error_code"] == "challenge_expired"
    doc = await connection(db, conn)
    assert doc["status"] == "disrupted" and doc["challenge"] is None
    # A late answer changes nothing and asks the portal nothing.
    attempts = (await stack.portal_stats(KEY))["login_attempts"][LOGIN]
    await answer(stack, asked, await sent_code(stack))
    await caught_up(stack, "challenge-answered")  # the fetcher has had the answer
    assert (await stack.portal_stats(KEY))["login_attempts"][LOGIN] == attempts
    assert len(await published_for(stack, "auth-failed", conn)) == 1
