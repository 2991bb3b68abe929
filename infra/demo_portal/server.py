"""Start and stop demo portals on free ports of 127.0.0.1 inside the running loop."""

import asyncio
import threading
from dataclasses import dataclass

from aiohttp import web

from infra.demo_portal.app import create_app
from infra.demo_portal.data import PortalSpec, load_specs


@dataclass
class RunningPortal:
    spec: PortalSpec
    url: str
    runner: web.AppRunner

    @property
    def key(self) -> str:
        return self.spec.key


async def start_portal(spec: PortalSpec, port: int = 0) -> RunningPortal:
    runner = web.AppRunner(create_app(spec), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = runner.addresses[0][1]
    return RunningPortal(spec, f"http://127.0.0.1:{bound}", runner)


async def start_all(specs: list[PortalSpec] | None = None) -> list[RunningPortal]:
    return [await start_portal(spec) for spec in specs or load_specs()]


async def stop_all(portals: list[RunningPortal]) -> None:
    for portal in portals:
        await portal.runner.cleanup()


class PortalThread:
    """Demo portals on their own loop in a thread: they answer even while the caller's
    loop is busy or idle (pytest runs sync tests between async ones)."""

    def __init__(self, specs: list[PortalSpec] | None = None) -> None:
        self.specs = specs  # None: every portal of portals.json
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.portals: list[RunningPortal] = []

    def start(self) -> "PortalThread":
        self._thread.start()
        starting = asyncio.run_coroutine_threadsafe(start_all(self.specs), self._loop)
        self.portals = starting.result(30)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(stop_all(self.portals), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def urls(self) -> dict[str, str]:
        return {p.key: p.url for p in self.portals}
