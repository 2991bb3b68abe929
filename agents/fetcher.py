"""Fetcher stage: a fetch-due starts its run (agents/fetch_run.py); an answered code
resumes the run that waits for it; the tick ends runs whose code nobody answered."""

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from adapters.portals.protocol import (
    ChallengeExpired,
    signed_in,
)
from adapters.store.connection_changes import change_if_allowed
from agents.fetch_deps import FetchDeps
from agents.fetch_run import FetchRun, run_ids
from agents.schedule_policy import fetch_due_for
from schemas.connection import Connection
from schemas.envelope import Event
from schemas.events import ChallengeAnswered, FetchDue
from streams.publish import Outgoing
from streams.stage import Unprocessable

log = logging.getLogger(__name__)


class FetcherHandler:
    def __init__(self, deps: FetchDeps) -> None:
        self.deps = deps

    async def on_fetch_due(self, due: FetchDue) -> AsyncIterator[Outgoing]:
        conn = await self.deps.connections.get(due.connection_id)
        if conn is None or conn.tenant_id != due.tenant_id:
            raise Unprocessable(f"fetch-due for unknown connection {due.connection_id}")
        if conn.run_id != due.correlation_id:
            # Not this run's turn (stale, duplicate, or another run holds it): one fetch
            # of a connection at a time.
            log.info("fetch %s for %s skipped: not the current run", *run_ids(due))
            return
        if conn.supplier_id in await self.deps.suppliers.paused():
            # Operators are fixing this supplier; the scheduler picks it up on resume.
            run = due.correlation_id
            await change_if_allowed(
                self.deps.connections, conn.connection_id, lambda c: c.release(run)
            )
            log.info("fetch %s for %s held: supplier paused", *run_ids(due))
            return

        run = FetchRun(self.deps, conn, due)

        async def sign_in(portal, credentials) -> None:
            await signed_in(portal, credentials, run.kept_session())

        async for out in run.go(sign_in):
            yield out

    async def on_challenge_answered(
        self, answer: ChallengeAnswered
    ) -> AsyncIterator[Outgoing]:
        conn = await self.deps.connections.get(answer.connection_id)
        # Only its own tenant may answer: another's is told no more than a stranger.
        if conn is None or conn.tenant_id != answer.tenant_id:
            raise Unprocessable(
                f"challenge-answered for unknown connection {answer.connection_id}"
            )
        pending = conn.challenge
        if pending is None or pending.challenge_id != answer.challenge_id:
            log.info(
                "answer to challenge %s ignored: none waiting", answer.challenge_id
            )
            return
        due = self._resumed_run(conn, pending.run_id, answer)
        if self.deps.clock() > pending.expires_at:
            err = ChallengeExpired("the code was answered after the request expired")
            async for out in FetchRun(self.deps, conn, due).fail(err):
                yield out
            return
        code = str(self.deps.vault.unseal_data(answer.code).get("code", "")).strip()
        state = conn.portal_session
        lease = self.deps.clock() + timedelta(seconds=self.deps.schedule.lease_seconds)
        asked = pending.challenge_id
        if not await change_if_allowed(
            self.deps.connections,
            conn.connection_id,
            lambda c: c.take_code(asked, lease),
        ):
            return  # answered twice: the first answer is in use

        async def answer_code(portal, credentials) -> None:
            if state is not None:
                portal.restore_state(self.deps.vault.unseal_data(state))
            await portal.answer_challenge(code)

        async for out in FetchRun(self.deps, conn, due).go(answer_code):
            yield out

    async def on_tick(self) -> AsyncIterator[Outgoing]:
        """Challenges nobody answered in time end the run as challenge_expired."""
        for conn in await self.deps.connections.expired_challenges(self.deps.clock()):
            assert conn.challenge is not None
            due = self._resumed_run(conn, conn.challenge.run_id, None)
            err = ChallengeExpired("nobody answered the code in time")
            async for out in FetchRun(self.deps, conn, due).fail(err):
                yield out

    def _resumed_run(self, conn: Connection, run_id: str, cause: Event | None):
        due = fetch_due_for(conn, run_id, self.deps.schedule)
        if cause is None:
            return due
        return due.model_copy(update={"causation_id": cause.event_id})
