"""The fetcher's 2-factor steps: wait for a code a portal sent, finish the run when
it is answered, end it cleanly when nobody answers in time."""

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from adapters.portals.protocol import ChallengeExpired, CodeSent
from adapters.store.connection_changes import change_if_allowed
from agents.fetch_failures import on_failure
from agents.schedule_policy import fetch_due_for
from schemas.connection import Connection
from schemas.envelope import Event, new_id
from schemas.events import ChallengeAnswered, ChallengeRequired, FetchDue
from schemas.records import PendingChallenge
from streams.publish import Outgoing
from streams.stage import Unprocessable

log = logging.getLogger("agents.fetcher")
CHALLENGE_GRACE = timedelta(seconds=60)  # lease beyond expiry, for the expiry tick


class ChallengeSteps:
    """Mixed into FetcherHandler: uses its stores, vault, portals, clock and _run."""

    async def on_challenge_answered(
        self, answer: ChallengeAnswered
    ) -> AsyncIterator[Outgoing]:
        conn = await self.connections.get(answer.connection_id)
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
        if self.clock() > pending.expires_at:
            err = ChallengeExpired("the code was answered after the request expired")
            async for out in on_failure(self, conn, due, err, None):
                yield out
            return
        code = str(self.vault.unseal_data(answer.code).get("code", "")).strip()
        state = conn.portal_session
        lease = self.clock() + timedelta(seconds=self.schedule.lease_seconds)
        asked = pending.challenge_id
        if not await change_if_allowed(
            self.connections, conn.connection_id, lambda c: c.take_code(asked, lease)
        ):
            return  # answered twice: the first answer is in use

        async def answer_code(portal, credentials) -> None:
            if state is not None:
                portal.restore_state(self.vault.unseal_data(state))
            await portal.answer_challenge(code)

        async for out in self._run(conn, due, answer_code):
            yield out

    async def on_tick(self) -> AsyncIterator[Outgoing]:
        """Challenges nobody answered in time end the run as challenge_expired."""
        for conn in await self.connections.expired_challenges(self.clock()):
            assert conn.challenge is not None
            due = self._resumed_run(conn, conn.challenge.run_id, None)
            err = ChallengeExpired("nobody answered the code in time")
            async for out in on_failure(self, conn, due, err, None):
                yield out

    def _resumed_run(self, conn: Connection, run_id: str, cause: Event | None):
        due = fetch_due_for(conn, run_id, self.schedule)
        if cause is None:
            return due
        return due.model_copy(update={"causation_id": cause.event_id})

    async def _wait_for_code(
        self, conn: Connection, due: FetchDue, portal, sent: CodeSent
    ) -> AsyncIterator[Outgoing]:
        ttl = sent.ttl_seconds
        if self.challenge_ttl is not None:
            ttl = min(ttl, self.challenge_ttl)
        expires = self.clock() + timedelta(seconds=ttl)
        pending = PendingChallenge(
            challenge_id=new_id(),
            run_id=due.correlation_id,
            medium=sent.medium,
            destination_hint=sent.destination_hint,
            expires_at=expires,
        )
        # The portal's half-finished login lives in its cookies: kept sealed, so any
        # fetcher can finish it when the answer comes.
        run, kept = due.correlation_id, self.vault.seal_data(portal.export_state())
        waiting = await change_if_allowed(
            self.connections,
            conn.connection_id,
            lambda c: c.await_code(run, pending, kept, expires + CHALLENGE_GRACE),
        )
        if not waiting:
            return
        log.info(
            "fetch %s for %s waits for a code by %s",
            due.correlation_id,
            due.connection_id,
            sent.medium,
        )
        yield Outgoing(
            "challenge-required",
            conn.connection_id,
            due.caused(
                ChallengeRequired,
                challenge_id=pending.challenge_id,
                supplier_id=conn.supplier_id,
                supplier_name=self.directory.supplier_name(conn.supplier_id),
                medium=sent.medium,
                destination_hint=sent.destination_hint,
                expires_at=expires,
            ),
        )
