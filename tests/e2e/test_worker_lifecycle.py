"""A worker's life as an orchestrator sees it: started before its broker, asked for
its health while the database is away, and stopped with SIGTERM while a stage waits.
Before: a traceback and exit 1 without a broker, no health endpoint, and a worker
that did not stop while a stage was busy."""

import asyncio
import signal
import sys
import time
from datetime import date

import aiohttp
import pytest

from infra.local.own_worker import OwnWorker
from infra.local.process import ManagedProcess, free_port
from infra.local.services import start_broker
from infra.local.worker import API_READY_MARK, READY_MARK, worker_env
from tests.e2e.fleet import SPECS, expected
from tests.e2e.test_pipeline import wait_for
from tests.e2e.upstream import connection_created, unique

NORTHWIND = "northwind-energy/default"


def launch(command: str, settings: dict, log) -> ManagedProcess:
    return ManagedProcess(
        command,
        [sys.executable, "-m", "infra.cli", command],
        log,
        env={**worker_env(settings), "PYTHONUNBUFFERED": "1"},
    )


def logged(path, text: bytes):
    async def check():
        return path.exists() and text in path.read_bytes()

    return check


async def test_worker_and_api_wait_for_a_broker_that_starts_late(stack, tmp_path):
    port = free_port()
    own = OwnWorker(stack.settings, tmp_path, {"kafka_bootstrap": f"127.0.0.1:{port}"})
    own.start_db()
    settings = own.settings() | {"startup_wait_seconds": "60"}
    worker = launch("worker", settings, tmp_path / "worker.log")
    api_settings = settings | {"api_port": str(free_port())}
    api = launch("api", api_settings, tmp_path / "api.log")
    broker = None
    try:
        for log in (tmp_path / "worker.log", tmp_path / "api.log"):
            assert await wait_for(logged(log, b"waiting for the Kafka broker"), 30)
        assert worker.alive() and api.alive()
        broker, _ = start_broker(tmp_path / "broker.log", port)
        assert await wait_for(logged(tmp_path / "worker.log", READY_MARK), 60)
        assert await wait_for(logged(tmp_path / "api.log", API_READY_MARK), 60)
        for log in (tmp_path / "worker.log", tmp_path / "api.log"):
            assert b"Traceback" not in log.read_bytes()
    finally:
        worker.stop()
        api.stop()
        if broker is not None:
            broker.stop()
        own.stop_db()


@pytest.mark.parametrize("command", ["worker", "api"])
async def test_without_a_broker_they_give_up_after_the_bound(stack, tmp_path, command):
    settings = stack.settings | {
        "kafka_bootstrap": f"127.0.0.1:{free_port()}",
        "startup_wait_seconds": "2",
    }
    proc = launch(command, settings, tmp_path / "out.log")
    try:
        code = await asyncio.to_thread(proc.proc.wait, 30)
    finally:
        proc.stop()
    out = (tmp_path / "out.log").read_text()
    assert code == 2, out
    assert "gave up after 2 s" in out and "cannot reach a Kafka broker" in out
    assert "BILLHOUND_KAFKA_BOOTSTRAP" in out and "Traceback" not in out


async def health(own: OwnWorker) -> tuple[int, dict]:
    url = f"http://127.0.0.1:{own.health_port}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.json()


async def test_health_and_sigterm_while_a_stage_waits_for_the_database(stack, tmp_path):
    # A short session: the stopped worker's partitions pass on sooner.
    quick = {"mongodb_timeout_seconds": "1", "broker_session_timeout": "4"}
    own = OwnWorker(stack.settings, tmp_path, quick).start()
    try:
        status, body = await health(own)
        assert status == 200 and body["status"] == "ok", body
        assert body["broker"]["ok"] and body["database"]["ok"]
        assert {"scheduler", "fetcher", "dedupe", "inbox", "notifier"} <= set(
            body["stages"]
        )

        own.stop_db()
        spec, login = SPECS[NORTHWIND], "acme-ltd"
        tenant, conn = unique("tenant"), unique("conn")
        raw = connection_created(
            stack.keys, tenant=tenant, connection=conn, login=login,
            password=spec.account(login).password, collect_from="2025-01-01",
        )  # fmt: skip
        await own.publish("connection-created", raw, conn)

        async def waiting():
            status, body = await health(own)
            stage = body["stages"]["scheduler"]["state"]
            return (status, body) if stage == "waiting_for_database" else None

        status, body = await wait_for(waiting, timeout=30)
        assert status == 503 and not body["database"]["ok"], body

        signalled = time.monotonic()
        own.worker.proc.send_signal(signal.SIGTERM)
        await asyncio.to_thread(own.worker.proc.wait, 15)
        took = time.monotonic() - signalled
        assert took < 10, f"stopped {took:.1f} s after SIGTERM"

        # The event in hand was not lost: the next worker creates the connection.
        own.start()
        everything = expected(NORTHWIND, login, date(2025, 1, 1))

        async def arrived():
            from pymongo import AsyncMongoClient

            client = AsyncMongoClient(own.mongodb_uri)
            try:
                inbox = client["billhound_test"]["inbox"]
                n = await inbox.count_documents({"connection_id": conn})
            finally:
                await client.close()
            return n >= len(everything)

        assert await wait_for(arrived, timeout=90)
        status, body = await health(own)
        assert status == 200 and body["stages"]["inbox"]["handled"] >= 1, body
    finally:
        own.stop()


async def test_the_api_answers_503_while_the_database_is_away(stack, tmp_path):
    from infra.local.worker import start_api
    from infra.settings import Settings
    from infra.web import create_tenant

    own = OwnWorker(stack.settings, tmp_path, {"mongodb_timeout_seconds": "1"})
    own.start_db()
    port = free_port()
    api = start_api(own.settings() | {"api_port": str(port)}, tmp_path / "api.log")
    try:
        settings = Settings(
            mongodb_uri=own.mongodb_uri, mongodb_database="billhound_test"
        )
        _, key = await create_tenant(settings, "Outage Ltd", "outage")
        url = f"http://127.0.0.1:{port}/v1/connections"
        headers = {"Authorization": f"Bearer {key}"}

        async def get():
            async with (
                aiohttp.ClientSession() as http,
                http.get(url, headers=headers) as r,
            ):
                return r.status, r.headers.get("Retry-After"), await r.json()

        assert (await get())[0] == 200
        own.stop_db()
        status, retry_after, body = await get()
        assert (status, retry_after) == (503, "10"), body
        assert body["error"]["code"] == "unavailable"
        own.start_db()

        async def back():
            return (await get())[0] == 200

        assert await wait_for(back, timeout=30)
    finally:
        api.stop()
        own.stop_db()
