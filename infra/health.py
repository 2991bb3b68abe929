"""The worker's `/healthz`: is the broker reachable, is the database, and is every
stage consuming (no event in hand for longer than the stuck bound). 200 when all
hold, 503 with what does not, so an orchestrator restarts what is stuck."""

import asyncio
import logging
import time
from collections.abc import Iterable

import faust
from aiohttp import web
from aiokafka.client import AIOKafkaClient

from adapters.store.availability import MongoAvailability
from streams.run_pool import RunPool
from streams.stage import StageRunner

log = logging.getLogger(__name__)
PROBE_SECONDS = 3.0


class WorkerHealth:
    def __init__(
        self,
        app: faust.App,
        runners: Iterable[StageRunner],
        database: MongoAvailability,
        bootstrap: str,
        stuck_after: float,
        pools: dict[str, RunPool] | None = None,
    ) -> None:
        self.app, self.runners, self.database = app, list(runners), database
        self.bootstrap, self.stuck_after = bootstrap, stuck_after
        self.pools = pools or {}

    async def report(self) -> dict:
        broker, database = await asyncio.gather(self._broker(), self._database())
        stages = {r.stage: self._stage(r) for r in self.runners}
        agents = self._agents()
        ok = broker["ok"] and database["ok"] and agents["ok"]
        ok = ok and all(s["ok"] for s in stages.values())
        return {
            "status": "ok" if ok else "failing",
            "broker": broker,
            "database": database,
            "agents": agents,
            "stages": stages,
        }

    async def _broker(self) -> dict:
        client = AIOKafkaClient(
            bootstrap_servers=self.bootstrap,
            request_timeout_ms=int(PROBE_SECONDS * 1000),
        )
        try:
            await asyncio.wait_for(client.bootstrap(), PROBE_SECONDS)
        except Exception as exc:  # noqa: BLE001 - any failure means unreachable
            return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
        finally:
            await client.close()
        return {"ok": True}

    async def _database(self) -> dict:
        try:
            ok = await asyncio.wait_for(self.database.ping(), PROBE_SECONDS)
        except TimeoutError:
            ok = False
        if ok:
            return {"ok": True}
        down = self.database.down_since
        return {
            "ok": False,
            "detail": "MongoDB does not answer a ping",
            # How long the stages have known it away (None: none needed it yet).
            "down_seconds": None if down is None else round(time.monotonic() - down, 1),
        }

    def _stage(self, runner: StageRunner) -> dict:
        busy = runner.oldest_busy()
        waiting = runner.stage in self.database.waiting
        state = "waiting_for_database" if waiting else "working" if busy else "idle"
        report = {
            # Waiting for the database is reported there, not as a stuck stage.
            "ok": waiting or busy < self.stuck_after,
            "state": state,
            "busy_seconds": round(busy, 1),
            "handled": runner.handled,
            "ticks": runner.ticks,
        }
        if (pool := self.pools.get(runner.stage)) is not None:
            report["runs"] = {
                "running": pool.running,
                "waiting": pool.waiting,
                "peak": pool.peak,
                "limit": pool.limit,
                "started": pool.started,
            }
        return report

    def _agents(self) -> dict:
        """Every agent has an actor whose task is still running (Faust restarts a
        crashed one; one that stays down shows here)."""
        down = []
        for name, agent in self.app.agents.items():
            actors = list(getattr(agent, "_actors", ()))
            tasks = [a.actor_task for a in actors if a.actor_task is not None]
            if not tasks or any(t.done() for t in tasks):
                down.append(name.rsplit(".", 1)[-1])
        return {"ok": not down, "down": sorted(down)}

    async def serve(self, host: str, port: int, extra=None) -> web.AppRunner:
        """/healthz, and the routes `extra(app)` adds (the live views)."""

        async def healthz(_: web.Request) -> web.Response:
            body = await self.report()
            return web.json_response(
                body, status=200 if body["status"] == "ok" else 503
            )

        app = web.Application()
        app.router.add_get("/healthz", healthz)
        if extra is not None:
            extra(app)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        log.info("worker health on http://%s:%d/healthz", host, port)
        return runner
