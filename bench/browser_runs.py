"""Browser runs beside HTTP runs, without the pipeline: time per run, runs a minute
one worker makes at once, and the memory each open browser context costs (so how
many contexts one worker holds within 2 GiB).

Run: python -m bench.browser_runs  (part of `make bench`)

The suppliers' own politeness limits (sessions, requests a second) are lifted here:
what is measured is the worker, not the pacing, which bench.portal_engines shows."""

import argparse
import asyncio
import os
import statistics
import time
from datetime import date
from pathlib import Path

from pydantic import SecretStr

from adapters.portals.browsers import BrowserPool
from adapters.portals.catalog import Catalog, Limits
from adapters.portals.factory import CatalogPortalFactory
from infra.demo_portal.data import spec_for
from infra.demo_portal.server import PortalThread
from schemas.records import Credentials

BROWSER, HTTP = "voltaria-energy/default", "northwind-energy/default"
LOGINS = {BROWSER: "ops@acme.example", HTTP: "acme-ltd"}
GIB = 2 * 1024  # MiB a worker may give its browser


def credentials(key: str) -> Credentials:
    account = spec_for(key).account(LOGINS[key])
    return Credentials(login=account.username, password=SecretStr(account.password))


async def one_run(factory, key: str) -> tuple[int, float]:
    spec = spec_for(key)
    started = time.perf_counter()
    async with factory.open(spec.supplier_id, spec.variant) as portal:
        await portal.login(credentials(key))
        refs = [r async for r in portal.list_documents(date(2000, 1, 1))]
        for ref in refs:
            await portal.download(ref)
    return len(refs), time.perf_counter() - started


async def per_minute(factory, key: str, at_once: int, runs: int) -> float:
    """Runs a minute with `at_once` runs in flight (the sessions cap is lifted)."""
    slots = asyncio.Semaphore(at_once)

    async def run() -> None:
        async with slots:
            await one_run(factory, key)

    started = time.perf_counter()
    await asyncio.gather(*(run() for _ in range(runs)))
    return 60 * runs / (time.perf_counter() - started)


def browser_mib() -> float:
    """Proportional memory (PSS) of this process's Chromium processes, in MiB."""
    parents, names = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        names[int(entry.name)] = stat[stat.index("(") + 1 : stat.rindex(")")]
        parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    mine = {os.getpid()}
    for _ in range(6):  # the driver, the browser, its zygotes and renderers
        mine |= {pid for pid, parent in parents.items() if parent in mine}
    total = 0.0
    for pid in mine:
        if not names.get(pid, "").startswith(("chrom", "headless")):
            continue
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        pss = next(line for line in rollup.splitlines() if line.startswith("Pss:"))
        total += int(pss.split()[1]) / 1024
    return total


async def hold_open(factory, n: int) -> float:
    """PSS once n contexts are open, each signed in and showing the document list."""
    spec = spec_for(BROWSER)
    ready, release = asyncio.Event(), asyncio.Event()
    opened = 0

    async def hold() -> None:
        nonlocal opened
        async with factory.open(spec.supplier_id, spec.variant) as portal:
            await portal.login(credentials(BROWSER))
            async for _ in portal.list_documents(date(2000, 1, 1)):
                pass
            opened += 1
            if opened == n:
                ready.set()
            await release.wait()

    tasks = [asyncio.create_task(hold()) for _ in range(n)]
    if n:
        await ready.wait()
    await asyncio.sleep(1)  # renderers settle after the last page
    mib = browser_mib()
    release.set()
    await asyncio.gather(*tasks)
    return mib


async def context_memory(factory, counts: list[int]) -> list[tuple[int, float]]:
    return [(n, await hold_open(factory, n)) for n in counts]


def unpaced(catalog: Catalog, at_once: int) -> Catalog:
    limits = Limits(
        max_sessions=at_once, requests_per_second=1000, parallel_downloads=2
    )
    suppliers = [s.model_copy(update={"limits": limits}) for s in catalog.all()]
    return Catalog(suppliers, catalog._urls)


async def run(portals: PortalThread, args) -> None:
    # Sessions enough for every context the memory measure holds open at once.
    catalog = unpaced(Catalog.load(portals.urls), max(args.at_once, *args.memory))
    factory = CatalogPortalFactory(catalog, 30, browsers=BrowserPool(args.contexts))
    try:
        await one_run(factory, BROWSER)  # the browser starts once per worker
        print(f"{'run':28} {'docs':>5} {'median s':>9} {'runs/min':>9}")
        for label, key in (
            ("browser (Voltaria, blob)", BROWSER),
            ("HTTP (Northwind)", HTTP),
        ):
            timed = [await one_run(factory, key) for _ in range(args.repeat)]
            docs = timed[0][0]
            median = statistics.median(t for _, t in timed)
            rate = await per_minute(factory, key, args.at_once, args.runs)
            print(f"{label:28} {docs:5d} {median:9.2f} {rate:9.0f}")
        print(f"(runs/min: {args.runs} runs, {args.at_once} at once, one worker)")
        counts = [0, *args.memory]
        measured = await context_memory(factory, counts)
        print("\nbrowser memory (PSS of every Chromium process), contexts signed in:")
        base = measured[0][1]
        for n, mib in measured:
            print(f"  {n:3d} contexts: {mib:7.0f} MiB")
        n, mib = measured[-1]
        each = (mib - base) / n
        print(
            f"per context: {each:.0f} MiB; within {GIB} MiB a worker holds about "
            f"{int((GIB - base) // each)} contexts"
        )
    finally:
        await factory.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runs", type=int, default=16)
    parser.add_argument("--at-once", type=int, default=4)
    parser.add_argument("--contexts", type=int, default=32)
    parser.add_argument("--memory", type=int, nargs="+", default=[1, 8, 16])
    args = parser.parse_args()
    specs = [spec_for(BROWSER), spec_for(HTTP)]
    portals = PortalThread(specs).start()
    try:
        asyncio.run(run(portals, args))
    finally:
        portals.stop()


if __name__ == "__main__":
    main()
