"""How long a worker takes to stop on SIGTERM: idle, and while a stage waits for a
database that is away (Faust alone waits for the stage; the bound ends it).

Run: python -m bench.worker_stop   (about a minute)"""

import asyncio
import signal
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.harness import bench_services
from infra.demo import connection_event
from infra.demo_portal.data import load_specs
from infra.local.own_worker import OwnWorker


async def stop_seconds(own: OwnWorker) -> float:
    started = time.monotonic()
    own.worker.proc.send_signal(signal.SIGTERM)
    await asyncio.to_thread(own.worker.proc.wait, 60)
    return time.monotonic() - started


async def main() -> None:
    spec = next(s for s in load_specs() if s.key == "northwind-energy/default")
    with tempfile.TemporaryDirectory() as tmp, bench_services(Path(tmp)) as services:
        rows = []
        own = OwnWorker(services.settings, Path(tmp) / "idle").start()
        rows.append(("idle", await stop_seconds(own)))
        own.stop()

        own = OwnWorker(services.settings, Path(tmp) / "waiting").start()
        own.stop_db()
        event = connection_event(
            spec,
            spec.accounts[0],
            services.keys.public_key_b64(),
            tenant_id="bench",
            connection_id="bench-stop",
            collect_from=date(2025, 1, 1),
        )
        await own.publish("connection-created", event.to_bytes(), "bench-stop")
        while b"waiting for the database" not in own.log.read_bytes():  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        rows.append(("a stage waiting for the database", await stop_seconds(own)))
        own.stop()
    for what, seconds in rows:
        print(f"SIGTERM, {what}: stopped in {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
