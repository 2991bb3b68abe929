"""Fetcher stage: sign in to the portal, store new files, emit document-found; pause
for a one-time code when the portal sends one, and resume when it is answered."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta

from adapters.portals.protocol import (
    CodeSent,
    CredentialsUnreadable,
    DocumentRef,
    PortalError,
    PortalOpener,
    SupplierDirectory,
    SupplierUnknown,
    UnknownSupplier,
    signed_in,
)
from adapters.store.connection_changes import change_if_allowed
from adapters.store.ports import (
    ConnectionStore,
    DocumentStore,
    FileStore,
    SupplierStore,
)
from adapters.vault.ports import UnsealError, Vault
from agents.fetch_challenges import ChallengeSteps
from agents.fetch_failures import on_failure, status_changed
from agents.fetch_policy import RetryBackoff
from agents.schedule_policy import SchedulePolicy, jitter_unit, next_check_at
from schemas.connection import Connection
from schemas.envelope import utcnow
from schemas.events import (
    DocumentFound,
    FetchDue,
)
from schemas.records import ConnectionStatus
from streams.publish import Outgoing
from streams.stage import Unprocessable

log = logging.getLogger(__name__)
SignIn = Callable[..., Awaitable[None]]


class FetcherHandler(ChallengeSteps):
    def __init__(
        self,
        *,
        connections: ConnectionStore,
        documents: DocumentStore,
        files: FileStore,
        suppliers: SupplierStore,
        portals: PortalOpener,
        directory: SupplierDirectory,
        vault: Vault,
        schedule: SchedulePolicy,
        backoff: RetryBackoff,
        layout_threshold: int = 2,
        topic_prefix: str = "",
        challenge_ttl: float | None = None,
        clock: Callable[[], datetime] = utcnow,
        jitter: Callable[[], float] = jitter_unit,
    ) -> None:
        self.connections, self.documents, self.files = connections, documents, files
        self.suppliers, self.portals, self.vault = suppliers, portals, vault
        self.directory = directory
        self.schedule, self.backoff = schedule, backoff
        self.layout_threshold, self.topic_prefix = layout_threshold, topic_prefix
        self.challenge_ttl = challenge_ttl  # caps the portal's own code lifetime
        self.clock, self.jitter = clock, jitter

    async def on_fetch_due(self, due: FetchDue) -> AsyncIterator[Outgoing]:
        conn = await self.connections.get(due.connection_id)
        if conn is None or conn.tenant_id != due.tenant_id:
            raise Unprocessable(f"fetch-due for unknown connection {due.connection_id}")
        if conn.run_id != due.correlation_id:
            # Not this run's turn (stale, duplicate, or another run holds it): one fetch
            # of a connection at a time.
            log.info("fetch %s for %s skipped: not the current run", *_ids(due))
            return
        if conn.supplier_id in await self.suppliers.paused():
            # Operators are fixing this supplier; the scheduler picks it up on resume.
            run = due.correlation_id
            await change_if_allowed(
                self.connections, conn.connection_id, lambda c: c.release(run)
            )
            log.info("fetch %s for %s held: supplier paused", *_ids(due))
            return

        async def sign_in(portal, credentials) -> None:
            await signed_in(portal, credentials, self._kept_session(conn))

        async for out in self._run(conn, due, sign_in):
            yield out

    def _credentials(self, conn: Connection):
        try:
            return self.vault.unseal(conn.credentials)
        except UnsealError as exc:
            raise CredentialsUnreadable(
                f"credentials sealed with key id {conn.credentials.key_id} cannot be "
                f"opened by this fetcher ({exc})"
            ) from None

    def _kept_session(self, conn: Connection) -> dict | None:
        if conn.portal_session is None:
            return None
        try:
            return self.vault.unseal_data(conn.portal_session)
        except UnsealError:
            # Sealed with a retired key: only costs a fresh login, never the run.
            log.info("kept session of %s unreadable; logging in", conn.connection_id)
            return None

    async def _run(
        self, conn: Connection, due: FetchDue, sign_in: SignIn
    ) -> AsyncIterator[Outgoing]:
        since = max(due.since, conn.collect_from)
        newest, found, credentials, known = conn.bookmark, 0, None, set()
        failure: PortalError | None = None
        try:
            credentials = self._credentials(conn)
            async with self.portals.open(
                conn.supplier_id, conn.portal_variant
            ) as portal:
                try:
                    await sign_in(portal, credentials)
                except CodeSent as sent:
                    async for out in self._wait_for_code(conn, due, portal, sent):
                        yield out
                    return
                refs, failure = await _listed(portal, since)
                ids = [r.supplier_document_id for r in refs]
                known = await self.documents.known_ids(conn.connection_id, ids)
                for ref in sorted(refs, key=lambda r: r.metadata.issued_on):
                    if ref.supplier_document_id not in known:
                        try:
                            data = await portal.download(ref)
                        except PortalError as err:
                            failure = failure or err
                            break  # what was downloaded is still published
                        yield await self._found(conn, due, ref, data)
                        found += 1
                    issued = ref.metadata.issued_on
                    newest = issued if newest is None or issued > newest else newest
                session = self.vault.seal_data(portal.export_state())
        except PortalError as err:
            failure = failure or err
        except UnknownSupplier as exc:  # the catalog lost it, or never had it
            failure = SupplierUnknown(f"{exc}: not in this fetcher's catalog")
        if failure is not None:
            # Reported as any failure; the bookmark stays, so the next run lists
            # again what this one did not read (what it did is known by id).
            async for out in on_failure(self, conn, due, failure, credentials):
                yield out
            return
        # The bookmark moves only after every document-found was acknowledged.
        now, run = self.clock(), due.correlation_id
        finished = await change_if_allowed(
            self.connections,
            conn.connection_id,
            lambda c: c.finish(
                run,
                now=now,
                bookmark=newest,
                next_check_at=next_check_at(conn, now, self.schedule, self.jitter()),
                # What an interrupted attempt already handed on counts too: a first
                # run that needed three tries found all it listed, not its last try's.
                documents_found=found + max(conn.documents_found, len(known)),
                portal_session=session,
            ),
        )
        before = finished[0] if finished else None
        await self.suppliers.clear_layout_failure(conn.supplier_id, conn.connection_id)
        log.info("fetch %s for %s: %d new documents", *_ids(due), found)
        if before is not None and before.status is not ConnectionStatus.CONNECTED:
            yield status_changed(
                due, before.status, ConnectionStatus.CONNECTED, "fetch succeeded"
            )

    async def _found(self, conn, due, ref: DocumentRef, data: bytes) -> Outgoing:
        stored = await self.files.put(data, ref.filename, "application/pdf")
        await self._keep_lease(conn, due)
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

    async def _keep_lease(self, conn: Connection, due: FetchDue) -> None:
        until = self.clock() + timedelta(seconds=self.schedule.lease_seconds)
        run = due.correlation_id
        await change_if_allowed(
            self.connections, conn.connection_id, lambda c: c.keep_lease(run, until)
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


def _ids(due: FetchDue) -> tuple[str, str]:
    return due.correlation_id, due.connection_id
