"""Whether MongoDB answers. A stage that lost it waits here, bounded, instead of
failing its event; the worker's health endpoint reads the same state."""

import asyncio
import logging
import time
from collections.abc import Callable

from pymongo import AsyncMongoClient
from pymongo.errors import ConnectionFailure, PyMongoError

log = logging.getLogger(__name__)


class MongoAvailability:
    """The Outages port over MongoDB: a lost connection, a server selection timeout,
    a primary that stepped down are outages; anything else is the event's failure."""

    def __init__(
        self,
        uri: str,
        *,
        max_wait: float,
        poll: float = 1.0,
        give_up: Callable[[str], None],
    ) -> None:
        # A client of its own with a short timeout, so one ping never blocks long.
        self._client = AsyncMongoClient(
            uri,
            serverSelectionTimeoutMS=int(poll * 1000),
            connectTimeoutMS=int(poll * 1000),
        )
        self.max_wait, self.poll, self._give_up = max_wait, poll, give_up
        self.down_since: float | None = None  # time.monotonic() of the first failure
        self.waiting: set[str] = set()  # stages holding an event until it is back
        self._watcher: asyncio.Task | None = None

    def is_outage(self, exc: BaseException) -> bool:
        return isinstance(exc, ConnectionFailure)

    def noticed(self, stage: str, exc: BaseException) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()
            log.warning("%s: database unreachable (%s); waiting for it", stage, exc)
        if self._watcher is None or self._watcher.done():
            # Someone must see it come back, even when only timers noticed it away.
            self._watcher = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        # Polling: a server that is away sends no event to wait on.
        while not await self.ping():  # noqa: ASYNC110
            await asyncio.sleep(self.poll)

    async def ping(self) -> bool:
        try:
            await self._client.admin.command("ping")
        except PyMongoError:
            return False
        if self.down_since is not None:
            away = time.monotonic() - self.down_since
            log.warning("database answers again after %.0f s; stages go on", away)
            self.down_since = None
        return True

    async def wait(self, stage: str) -> None:
        self.noticed(stage, ConnectionFailure("lost during an event"))
        log.warning(
            "%s: waiting for the database (up to %.0f s) to run the event again",
            stage,
            self.max_wait,
        )
        self.waiting.add(stage)
        try:
            while not await self.ping():
                if time.monotonic() - (self.down_since or 0) > self.max_wait:
                    self._give_up(
                        f"database unreachable for more than {self.max_wait:.0f} s"
                    )
                    return
                await asyncio.sleep(self.poll)
        finally:
            self.waiting.discard(stage)

    async def close(self) -> None:
        await self._client.close()
