"""What the CLI commands share: settings that find a running local stack the way
`billhound check` does, and quick checks that say what to set instead of a traceback."""

import asyncio
import json
import os
import re
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from infra.settings import Settings

HOME = Path(".billhound")
REACH_SECONDS = 5.0  # a person waits this long at most for "cannot reach"


class Unreachable(Exception):
    """A service the command needs does not answer; the message says what to set."""


def local_settings(home: Path = HOME) -> Settings:
    """BILLHOUND_* settings; where the broker or database is not set, the ones of a
    `billhound run` in this folder (its .billhound/stack.json), if there is one."""
    stack = home / "stack.json"
    found = {}
    if stack.exists():
        info = json.loads(stack.read_text())
        for field in ("mongodb_uri", "kafka_bootstrap"):
            if f"BILLHOUND_{field.upper()}" not in os.environ and field in info:
                found[field] = info[field]
    return Settings(**found)


def shown(uri: str) -> str:
    """A URI fit for a message: its password, if it has one, left out."""
    return re.sub(r"//[^/@]*@", "//***@", uri)


async def check_mongodb(settings: Settings) -> None:
    client = AsyncMongoClient(
        settings.mongodb_uri, serverSelectionTimeoutMS=int(REACH_SECONDS * 1000)
    )
    try:
        await client.admin.command("ping")
    except PyMongoError:
        raise Unreachable(
            f"cannot reach MongoDB at {shown(settings.mongodb_uri)}: set "
            "BILLHOUND_MONGODB_URI, or start the local stack here with `make run`"
        ) from None
    finally:
        await client.close()


async def check_kafka(settings: Settings) -> None:
    for address in settings.kafka_bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(host or "127.0.0.1", int(port)), REACH_SECONDS
            )
        except (OSError, ValueError, TimeoutError):
            continue
        writer.close()
        return
    raise Unreachable(
        f"cannot reach a Kafka broker at {settings.kafka_bootstrap}: set "
        "BILLHOUND_KAFKA_BOOTSTRAP, or start the local stack here with `make run`"
    )


def check_keys(settings: Settings, public_only: bool = False) -> None:
    if public_only and settings.vault_public_key:
        return
    if not any(Path(settings.vault_keys_dir).glob("*.key")):
        what = "BILLHOUND_VAULT_PUBLIC_KEY or " if public_only else ""
        raise Unreachable(
            f"no credential keys in {settings.vault_keys_dir}: set {what}"
            "BILLHOUND_VAULT_KEYS_DIR (make a key pair with `billhound public-key "
            "--keys-dir DIR`)"
        )


def preflight(command: str, *checks) -> bool:
    """Run the checks; on the first that fails, say what to set and return False."""
    try:
        for check in checks:
            result = check()
            if asyncio.iscoroutine(result):
                asyncio.run(result)
    except Unreachable as exc:
        say_unreachable(command, exc)
        return False
    return True


Step = tuple[str, Callable[[], Awaitable[None]]]


async def wait_until_ready(command: str, steps: list[Step], bound: float) -> None:
    """Each step in turn until it passes. A failing step is tried again every second,
    saying what it waits for, until `bound` seconds from the start: then Unreachable
    with its reason. A broker or database that starts after us is not an error."""
    deadline = time.monotonic() + bound
    for what, step in steps:
        said = None
        while True:
            try:
                await step()
                break
            except Unreachable as exc:
                reason = str(exc)
            except Exception as exc:  # noqa: BLE001 - anything it says is the reason
                reason = f"{what}: {type(exc).__name__}: {exc}"
            now = time.monotonic()
            if now >= deadline:
                raise Unreachable(f"gave up after {bound:.0f} s: {reason}")
            if said is None or now - said >= 10:
                left = deadline - now
                print(
                    f"billhound {command}: waiting for {what} ({left:.0f} s left): "
                    f"{reason}",
                    file=sys.stderr,
                    flush=True,
                )
                said = now
            await asyncio.sleep(1.0)


def service_steps(settings: Settings, prepare) -> list[Step]:
    """What a worker or the API waits for: the broker, the database, then its
    topics and indexes (a broker that listens is not always one that answers)."""
    return [
        (
            f"the Kafka broker at {settings.kafka_bootstrap}",
            lambda: check_kafka(settings),
        ),
        (f"MongoDB at {shown(settings.mongodb_uri)}", lambda: check_mongodb(settings)),
        ("the topics and indexes", lambda: prepare(settings)),
    ]


def say_unreachable(command: str, exc: Unreachable) -> None:
    print(f"billhound {command}: {exc}", file=sys.stderr)
    print(
        "Settings are BILLHOUND_* environment variables: see docs/operations.md.",
        file=sys.stderr,
    )
