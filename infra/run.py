"""`billhound run`: the local stack, demo connections, and progress until Ctrl-C."""

import asyncio
import signal
import time
from pathlib import Path

from infra.clients import mongo_client
from infra.demo import DEMO_TENANT, DEMO_TENANT_NAME, demo_connections, publish
from infra.demo_portal.data import load_specs
from infra.local.stack import LocalStack
from infra.settings import Settings
from infra.web import create_tenant


async def run_local(home: Path, demo: bool = True) -> None:
    stack = LocalStack(home)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("Starting Billhound's local stack...", flush=True)
    try:
        info = await stack.start()
        print(f"  broker:   {info['kafka_bootstrap']}")
        print(f"  mongodb:  {info['mongodb_uri']}")
        print(f"  smtp:     {info['smtp']}  (mails saved in {info['maildir']})")
        for key, url in info["portals"].items():
            print(f"  portal:   {key} at {url}")
        print(f"  logs:     {info['logs']}   addresses: {home / 'stack.json'}")
        tenant, key = await create_tenant(
            Settings(mongodb_uri=info["mongodb_uri"]), DEMO_TENANT_NAME, DEMO_TENANT
        )
        print(f"Connected suppliers page: {info['page']}", flush=True)
        print(f"  sign in with the API key of {tenant.name}: {key}", flush=True)
        if demo:
            await _demo(info)
        print("Running. Press Ctrl-C to stop.", flush=True)
        await stop.wait()
    finally:
        print("\nStopping...", flush=True)
        await stack.stop()
        print("Stopped every process the stack started.")


async def _demo(info: dict) -> None:
    conns = demo_connections(load_specs(), info["public_key"])
    started = time.monotonic()
    await publish(
        info["kafka_bootstrap"], "connection-created", [c.event for c in conns]
    )
    print(
        f"Published {len(conns)} demo connections (tenant {DEMO_TENANT}).", flush=True
    )
    settings = Settings(mongodb_uri=info["mongodb_uri"])
    client = mongo_client(settings)
    inbox = client[settings.mongodb_database]["inbox"]
    done: set[str] = set()
    total = sum(c.expected for c in conns)
    last_report = time.monotonic()
    try:
        while time.monotonic() - started < 300:
            arrived = 0
            for c in conns:
                n = await inbox.count_documents(
                    {"tenant_id": DEMO_TENANT, "connection_id": c.event.connection_id}
                )
                arrived += min(n, c.expected)
                if n >= c.expected and c.label not in done:
                    done.add(c.label)
                    print(
                        f"  {c.label}: {n}/{c.expected} documents in the inbox",
                        flush=True,
                    )
            if len(done) == len(conns):
                took = time.monotonic() - started
                print(
                    f"All demo documents reached the inbox in {took:.1f}s.", flush=True
                )
                return
            if time.monotonic() - last_report > 5:
                last_report = time.monotonic()
                print(f"  ... {arrived}/{total} documents so far", flush=True)
            await asyncio.sleep(0.5)
        print("Demo documents did not all arrive in 300s: see the worker log.")
    finally:
        await client.close()
