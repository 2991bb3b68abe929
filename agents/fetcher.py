"""Fetcher stage: log in to the portal, store new files, emit document-found."""

import base64
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import faust

from adapters.portals.protocol import PortalError, PortalFactory
from adapters.store.ports import ConnectionStore, DocumentStore, FileStore
from agents.fetch_policy import FailureAction, RetryBackoff, action_for, retry_at
from agents.scheduler import SchedulePolicy, jitter_unit, next_check_at
from schemas.envelope import new_id, utcnow
from schemas.errors import REMEDY, TITLE
from schemas.events import (
    AuthFailed,
    ConnectionStatusChanged,
    DeadLetter,
    DocumentFound,
    FetchDue,
)
from schemas.records import Connection, ConnectionStatus, Credentials, SealedSecret
from streams.publish import Outgoing
from streams.stage import StageRunner, run_event
from streams.topics import Topics

log = logging.getLogger(__name__)
Unseal = Callable[[SealedSecret], Credentials]


class FetcherHandler:
    def __init__(
        self,
        *,
        connections: ConnectionStore,
        documents: DocumentStore,
        files: FileStore,
        portals: PortalFactory,
        unseal: Unseal,
        schedule: SchedulePolicy,
        backoff: RetryBackoff,
        clock: Callable[[], datetime] = utcnow,
        jitter: Callable[[], float] = jitter_unit,
    ) -> None:
        self.connections, self.documents, self.files = connections, documents, files
        self.portals, self.unseal = portals, unseal
        self.schedule, self.backoff = schedule, backoff
        self.clock, self.jitter = clock, jitter

    async def on_fetch_due(self, due: FetchDue) -> AsyncIterator[Outgoing]:
        conn = await self.connections.get(due.connection_id)
        if conn is None or conn.run_id != due.correlation_id:
            # Not this run's turn (stale, duplicate, or another run holds it): one fetch
            # of a connection at a time.
            log.info(
                "fetch %s for %s skipped: not the current run",
                due.correlation_id,
                due.connection_id,
            )
            return
        since = max(due.since, conn.collect_from)
        newest, found = conn.bookmark, 0
        try:
            credentials = self.unseal(conn.credentials)
            async with self.portals.open(
                conn.supplier_id, conn.portal_variant
            ) as portal:
                await portal.login(credentials)
                refs = [ref async for ref in portal.list_documents(since)]
                refs = [r for r in refs if r.metadata.issued_on >= since]
                ids = [r.supplier_document_id for r in refs]
                known = await self.documents.known_ids(conn.connection_id, ids)
                for ref in sorted(refs, key=lambda r: r.metadata.issued_on):
                    if ref.supplier_document_id not in known:
                        data = await portal.download(ref)
                        stored = await self.files.put(
                            data, ref.filename, "application/pdf"
                        )
                        found += 1
                        yield Outgoing(
                            "document-found",
                            conn.tenant_id,
                            due.caused(
                                DocumentFound,
                                supplier_id=conn.supplier_id,
                                supplier_document_id=ref.supplier_document_id,
                                metadata=ref.metadata,
                                file=stored,
                            ),
                        )
                        await self._keep_lease(conn, due)
                    issued = ref.metadata.issued_on
                    newest = issued if newest is None or issued > newest else newest
        except PortalError as err:
            async for out in self._on_failure(conn, due, err):
                yield out
            return
        # The bookmark moves only after every document-found was acknowledged.
        now = self.clock()
        before = await self.connections.finish_run(
            conn.connection_id,
            due.correlation_id,
            now=now,
            bookmark=newest,
            next_check_at=next_check_at(conn, now, self.schedule, self.jitter()),
            found=found,
        )
        log.info(
            "fetch %s for %s: %d new documents",
            due.correlation_id,
            conn.connection_id,
            found,
        )
        if before is not None and before.status is not ConnectionStatus.CONNECTED:
            yield _status(
                due, before.status, ConnectionStatus.CONNECTED, "fetch succeeded"
            )

    async def _keep_lease(self, conn: Connection, due: FetchDue) -> None:
        until = self.clock() + timedelta(seconds=self.schedule.lease_seconds)
        await self.connections.touch_run(conn.connection_id, due.correlation_id, until)

    async def _on_failure(
        self, conn: Connection, due: FetchDue, err: PortalError
    ) -> AsyncIterator[Outgoing]:
        attempts = conn.failed_attempts + 1
        action = action_for(err.code, attempts, self.backoff)
        log.warning(
            "fetch %s for %s failed: %s (%s) -> %s",
            due.correlation_id,
            conn.connection_id,
            err.code,
            err.detail,
            action,
        )
        now = self.clock()
        if action is FailureAction.DISRUPT:
            disruption_id = new_id()
            before = await self.connections.disrupt(
                conn.connection_id,
                due.correlation_id,
                now=now,
                error_code=err.code.value,
                disruption_id=disruption_id,
            )
            if before is None or before.status is ConnectionStatus.DISRUPTED:
                return  # already disrupted: auth-failed was emitted once, not again
            yield Outgoing(
                "auth-failed",
                conn.connection_id,
                due.caused(
                    AuthFailed,
                    disruption_id=disruption_id,
                    supplier_id=conn.supplier_id,
                    supplier_name=self.portals.supplier_name(conn.supplier_id),
                    error_code=err.code,
                    title=TITLE[err.code],
                    remedy=REMEDY[err.code],
                ),
            )
            yield _status(
                due, before.status, ConnectionStatus.DISRUPTED, err.detail, err.code
            )
        elif action is FailureAction.RETRY:
            at = retry_at(now, attempts, err.retry_after, self.backoff)
            await self.connections.retry_later(
                conn.connection_id,
                due.correlation_id,
                at=at,
                error_code=err.code.value,
                failed_attempts=attempts,
            )
        else:
            # Give the run up: operators see it in dead-letter; the schedule goes on.
            await self.connections.retry_later(
                conn.connection_id,
                due.correlation_id,
                at=next_check_at(conn, now, self.schedule, self.jitter()),
                error_code=err.code.value,
                failed_attempts=0,
            )
            yield Outgoing(
                "dead-letter",
                conn.connection_id,
                due.caused(
                    DeadLetter,
                    original_topic="fetch-due",
                    original_key_b64=base64.b64encode(
                        conn.connection_id.encode()
                    ).decode(),
                    original_value_b64=base64.b64encode(due.to_bytes()).decode(),
                    stage="fetcher",
                    error=f"{err.code}: {err.detail}",
                    attempts=attempts,
                ),
            )


def _status(due, old, new, reason, code=None) -> Outgoing:
    event = due.caused(
        ConnectionStatusChanged,
        old_status=old,
        new_status=new,
        reason=reason,
        error_code=code,
    )
    return Outgoing("connection-status-changed", due.connection_id, event)


def register(app: faust.App, topics: Topics, runner: StageRunner, handler) -> None:
    @app.agent(topics["fetch-due"], name="fetcher", concurrency=1)
    async def fetch(stream):
        async for event in stream.events():
            await run_event(runner, FetchDue, event, handler.on_fetch_due)
