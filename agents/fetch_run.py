"""One fetch run of one connection, with its dependencies named: sign in, list since
the bookmark, download and store what is new, publish one document-found each, and
close the run (finish, fail, or wait for a person: agents.fetch_waits)."""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from datetime import timedelta
from itertools import islice

from adapters.documents.kinds import named, sniff
from adapters.portals.protocol import (
    CodeSent,
    CredentialsUnreadable,
    DocumentRef,
    PersonNeeded,
    PortalError,
    SupplierUnknown,
    UnknownSupplier,
)
from adapters.store.connection_changes import change_if_allowed
from adapters.vault.ports import UnsealError
from agents.fetch_deps import FetchDeps
from agents.fetch_failures import on_failure, status_changed
from agents.fetch_waits import wait_for_code, wait_for_person
from agents.schedule_policy import next_check_at
from schemas.connection import Connection
from schemas.events import DocumentFound, FetchDue
from schemas.records import ConnectionStatus
from streams.publish import Outgoing

log = logging.getLogger("agents.fetcher")
SignIn = Callable[..., Awaitable[None]]


class FetchRun:
    """The run `due` names, of `conn` as it was loaded when the run began."""

    def __init__(self, deps: FetchDeps, conn: Connection, due: FetchDue) -> None:
        self.deps, self.conn, self.due = deps, conn, due

    async def fail(self, err: PortalError, credentials=None) -> AsyncIterator[Outgoing]:
        async for out in on_failure(self.deps, self.conn, self.due, err, credentials):
            yield out

    def _credentials(self):
        conn = self.conn
        try:
            return self.deps.vault.unseal(conn.credentials)
        except UnsealError as exc:
            raise CredentialsUnreadable(
                f"credentials sealed with key id {conn.credentials.key_id} cannot be "
                f"opened by this fetcher ({exc})"
            ) from None

    def kept_session(self) -> dict | None:
        """The portal state kept sealed from the last run, if it can be read."""
        conn = self.conn
        if conn.portal_session is None:
            return None
        try:
            return self.deps.vault.unseal_data(conn.portal_session)
        except UnsealError:
            # Sealed with a retired key: only costs a fresh login, never the run.
            log.info("kept session of %s unreadable; logging in", conn.connection_id)
            return None

    async def go(self, sign_in: SignIn) -> AsyncIterator[Outgoing]:
        """Run it: what to publish, in order; the connection is closed as it ends.
        Its lease is renewed while it lives, so a run lost with its worker is
        claimed again within one lease, and a live one never is."""
        renewing = asyncio.create_task(self._renew_lease())
        try:
            async for out in self._go(sign_in):
                yield out
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def _renew_lease(self) -> None:
        every = self.deps.schedule.lease_seconds / 3
        while True:
            await asyncio.sleep(every)
            try:
                await self._keep_lease()
            except Exception as exc:  # noqa: BLE001 - the run itself goes on
                log.warning("lease of %s not renewed: %s", self.conn.connection_id, exc)

    async def _go(self, sign_in: SignIn) -> AsyncIterator[Outgoing]:
        conn, due = self.conn, self.due
        since = max(due.since, conn.collect_from)
        newest, found, credentials, known = conn.bookmark, 0, None, set()
        failure: PortalError | None = None
        try:
            credentials = self._credentials()
            async with self.deps.portals.open(
                conn.supplier_id, conn.portal_variant
            ) as portal:
                try:
                    await sign_in(portal, credentials)
                except CodeSent as sent:
                    async for out in wait_for_code(self.deps, conn, due, portal, sent):
                        yield out
                    return
                except PersonNeeded as needed:  # the run waits, the page open
                    async for out in wait_for_person(
                        self.deps, conn, due, portal, needed
                    ):
                        yield out
                refs, failure = await _listed(portal, since)
                ids = [r.supplier_document_id for r in refs]
                known = await self.deps.documents.known_ids(conn.connection_id, ids)
                new = [r for r in refs if r.supplier_document_id not in known]
                new.sort(key=lambda r: r.metadata.issued_on)  # oldest first
                width = self.deps.directory.parallel_downloads(conn.supplier_id)
                async with aclosing(_downloads(portal, new, width)) as downloads:
                    async for ref, data in downloads:
                        yield await self._found(ref, data)
                        found += 1
                dates = [r.metadata.issued_on for r in refs]
                newest = max([*dates, *([newest] if newest else [])], default=None)
                session = self.deps.vault.seal_data(portal.export_state())
        except PortalError as err:
            failure = failure or err
        except UnknownSupplier as exc:  # the catalog lost it, or never had it
            failure = SupplierUnknown(f"{exc}: not in this fetcher's catalog")
        if failure is not None:
            # Reported as any failure; the bookmark stays, so the next run lists
            # again what this one did not read (what it did is known by id).
            async for out in self.fail(failure, credentials):
                yield out
            return
        # The bookmark moves only after every document-found was acknowledged.
        now, run = self.deps.clock(), due.correlation_id
        finished = await change_if_allowed(
            self.deps.connections,
            conn.connection_id,
            lambda c: c.finish(
                run,
                now=now,
                bookmark=newest,
                next_check_at=next_check_at(
                    conn, now, self.deps.schedule, self.deps.jitter()
                ),
                # What an interrupted attempt already handed on counts too: a first
                # run that needed three tries found all it listed, not its last try's.
                documents_found=found + max(conn.documents_found, len(known)),
                portal_session=session,
            ),
        )
        before = finished[0] if finished else None
        await self.deps.suppliers.clear_layout_failure(
            conn.supplier_id, conn.connection_id
        )
        log.info("fetch %s for %s: %d new documents", *run_ids(due), found)
        if before is not None and before.status is not ConnectionStatus.CONNECTED:
            yield status_changed(
                due, before.status, ConnectionStatus.CONNECTED, "fetch succeeded"
            )

    async def _found(self, ref: DocumentRef, data: bytes) -> Outgoing:
        conn, due = self.conn, self.due
        # The lease is renewed by time (_renew_lease), not per document: one write
        # less for each document on a database every run shares.
        # Stored as what the bytes are (a PDF, an e-invoice's XML, a scan), so the
        # inbox serves it as that; the reader decides later if it is a document.
        kind = sniff(data)
        stored = await self.deps.files.put(data, named(ref.filename, kind), kind)
        return Outgoing(
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

    async def _keep_lease(self) -> None:
        conn, due = self.conn, self.due
        until = self.deps.clock() + timedelta(seconds=self.deps.schedule.lease_seconds)
        run = due.correlation_id
        await change_if_allowed(
            self.deps.connections,
            conn.connection_id,
            lambda c: c.keep_lease(run, until),
        )


async def _listed(portal, since) -> tuple[list[DocumentRef], PortalError | None]:
    """The documents listed since `since`, and the failure that ended the listing
    early, if one did: pages already read are not thrown away."""
    refs: list[DocumentRef] = []
    try:
        async for ref in portal.list_documents(since):
            if ref.metadata.issued_on >= since:
                refs.append(ref)
    except PortalError as err:
        return refs, err
    return refs, None


async def _downloads(portal, refs: list[DocumentRef], width: int):
    """(ref, bytes) in the order of refs, with up to `width` downloads in flight.
    A failed download raises once the ones before it have been handed on, so what
    was downloaded is still published; those after it are cancelled."""
    queue = iter(refs)
    pending: deque = deque()

    def start(ref: DocumentRef) -> None:
        pending.append((ref, asyncio.ensure_future(portal.download(ref))))

    for ref in islice(queue, width):
        start(ref)
    try:
        while pending:
            ref, task = pending.popleft()
            data = await task
            if (following := next(queue, None)) is not None:
                start(following)
            yield ref, data
    finally:
        for _, task in pending:
            task.cancel()
        await asyncio.gather(*(task for _, task in pending), return_exceptions=True)


def run_ids(due: FetchDue) -> tuple[str, str]:
    """(run, connection): what every log line of a run names."""
    return due.correlation_id, due.connection_id
