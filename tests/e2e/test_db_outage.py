"""The database stopped in the middle of a backfill: stages wait for it and go on.
Before, an outage longer than the stage's retries dead-lettered the events in flight,
and the interrupted run's documents came only when its 30-minute lease ran out.

The worker has a database of its own (stopped and started by this test), one-second
operation timeouts and two tries per event, so the old behaviour would dead-letter
within a few seconds of the database going away."""

import base64
import time
from datetime import date

import aiohttp
import pytest

from infra.local.own_worker import OwnWorker
from tests.bus import read_topic
from tests.e2e.fleet import SPECS, expected
from tests.e2e.test_pipeline import wait_for
from tests.e2e.upstream import connection_created, unique

BRIGHTLINE = "brightline-telecom/business"
LOGIN = "it@acme.example"
SINCE = date(2025, 7, 1)
OUTAGE_SECONDS = 5


@pytest.fixture
def own(stack, tmp_path):
    worker = OwnWorker(
        stack.settings,
        tmp_path,
        {
            "mongodb_timeout_seconds": "1",
            "stage_attempts": "2",
            "database_wait_seconds": "120",
        },
    ).start()
    yield worker
    worker.stop()


async def inbox_count(own: OwnWorker, conn: str) -> int:
    from pymongo import AsyncMongoClient

    client = AsyncMongoClient(own.mongodb_uri, serverSelectionTimeoutMS=500)
    try:
        return await client["billhound_test"]["inbox"].count_documents(
            {"connection_id": conn}
        )
    except Exception:  # noqa: BLE001 - away is zero, for the caller's wait
        return 0
    finally:
        await client.close()


async def test_a_backfill_survives_the_database_going_away(own, stack):
    everything = expected(BRIGHTLINE, LOGIN, SINCE)
    assert len(everything) >= 50
    spec = SPECS[BRIGHTLINE]
    tenant, conn = unique("tenant"), unique("conn")
    notify = f"{conn}@example.com"
    raw = connection_created(
        stack.keys, tenant=tenant, connection=conn, login=LOGIN,
        password=spec.account(LOGIN).password, supplier=spec.supplier_id,
        variant=spec.variant, collect_from=SINCE.isoformat(), notify=notify,
    )  # fmt: skip
    # Slow pages, as a real portal's: the run is still going when the database goes.
    slow = {"slow_seconds": 0.2}
    await stack.portal_call(BRIGHTLINE, "POST", "/_demo/behaviour", slow)
    try:
        await own.publish("connection-created", raw, conn)

        async def some_arrived():
            return await inbox_count(own, conn) >= 10

        assert await wait_for(some_arrived, timeout=60)
        own.stop_db()  # mid-run: fetch, dedupe and inbox all lose it
        await wait_for(_logged(own, "waiting for the database"), timeout=30)
        # The outage lasts until the worker itself says the database has been away
        # longer than every timeout and retry of its stages.
        await wait_for(_away_for(own, OUTAGE_SECONDS), timeout=30)
        own.start_db()
        back = time.monotonic()
    finally:
        await stack.portal_call(
            BRIGHTLINE, "POST", "/_demo/behaviour", {"slow_seconds": 0}
        )

    async def all_arrived():
        return await inbox_count(own, conn) >= len(everything)

    assert await wait_for(all_arrived, timeout=90)
    took = time.monotonic() - back
    assert await inbox_count(own, conn) == len(everything)  # none doubled
    assert took < 60, f"the last document came {took:.0f} s after the database"

    letters = await read_topic(
        stack.kafka,
        own.prefix + "dead-letter",
        lambda e: True,
        until=lambda found: False,
        timeout=3,
    )
    assert letters == [], [base64.b64decode(x["original_value_b64"]) for x in letters]
    assert "database answers again" in own.log.read_text()

    # The first-fetch mail counts what reached the inbox, however the run was cut.
    async def mailed():
        return stack.mail.to(notify)

    (mail,) = await wait_for(mailed, timeout=60)
    subject = mail["Subject"]
    assert f"{len(everything)} documents in the inbox" in subject, subject


def _away_for(own: OwnWorker, seconds: float):
    async def check():
        url = f"http://127.0.0.1:{own.health_port}/healthz"
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            down = (await resp.json())["database"].get("down_seconds")
        return down is not None and down >= seconds

    return check


def _logged(own: OwnWorker, text: str):
    async def check():
        return text in own.log.read_text()

    return check
