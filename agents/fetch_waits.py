"""A fetch run that needs a person: a code the portal sent (the run ends, its
half-finished login kept sealed, and goes on when the code comes), or a step on the
portal's page (the run waits, the page shown live, and goes on when the portal lets
the person through). Either way one `challenge-required` tells the person."""

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from adapters.portals.protocol import (
    ChallengeExpired,
    CodeSent,
    PersonNeeded,
    PersonSession,
)
from adapters.store.connection_changes import change_if_allowed
from agents.fetch_deps import FetchDeps
from schemas.connection import Connection
from schemas.envelope import new_id
from schemas.events import ChallengeRequired, FetchDue
from schemas.records import ChallengeMedium, LiveView, PendingChallenge
from streams.publish import Outgoing

log = logging.getLogger("agents.fetcher")
CHALLENGE_GRACE = timedelta(seconds=60)  # lease beyond expiry, for the expiry tick


def _pending(
    deps: FetchDeps,
    due: FetchDue,
    medium: ChallengeMedium,
    ttl: float,
    **extra,
) -> PendingChallenge:
    """The challenge of this run, its lifetime capped by the operator's setting."""
    if deps.challenge_ttl is not None:
        ttl = min(ttl, deps.challenge_ttl)
    return PendingChallenge(
        challenge_id=new_id(),
        run_id=due.correlation_id,
        medium=medium,
        expires_at=deps.clock() + timedelta(seconds=ttl),
        **extra,
    )


def _told(
    deps: FetchDeps, conn: Connection, due: FetchDue, pending: PendingChallenge
) -> Outgoing:
    log.info(
        "fetch %s for %s waits for a person (%s)",
        due.correlation_id,
        conn.connection_id,
        pending.medium,
    )
    return Outgoing(
        "challenge-required",
        conn.connection_id,
        due.caused(
            ChallengeRequired,
            challenge_id=pending.challenge_id,
            supplier_id=conn.supplier_id,
            supplier_name=deps.directory.supplier_name(conn.supplier_id),
            medium=pending.medium,
            destination_hint=pending.destination_hint,
            answered_in="code" if pending.live_view is None else "live_view",
            expires_at=pending.expires_at,
        ),
    )


async def wait_for_code(
    deps: FetchDeps, conn: Connection, due: FetchDue, portal, sent: CodeSent
) -> AsyncIterator[Outgoing]:
    """The portal sent a code: keep its half-finished login and tell a person."""
    pending = _pending(
        deps, due, sent.medium, sent.ttl_seconds, destination_hint=sent.destination_hint
    )
    # The portal's half-finished login lives in its cookies: kept sealed, so any
    # fetcher can finish it when the answer comes.
    run, kept = due.correlation_id, deps.vault.seal_data(portal.export_state())
    lease = pending.expires_at + CHALLENGE_GRACE
    if await change_if_allowed(
        deps.connections,
        conn.connection_id,
        lambda c: c.await_code(run, pending, kept, lease),
    ):
        yield _told(deps, conn, due, pending)


async def wait_for_person(
    deps: FetchDeps,
    conn: Connection,
    due: FetchDue,
    portal: PersonSession,
    needed: PersonNeeded,
) -> AsyncIterator[Outgoing]:
    """Show the portal's page live to the person and wait while they take the step;
    once the portal lets them through, the run goes on unattended."""
    live = deps.live_views
    if live is None:
        raise ChallengeExpired("this worker cannot show a portal's page to a person")
    view_id = live.open(portal.page, conn.connection_id)
    try:
        view = LiveView(address=live.address, view_id=view_id)
        pending = _pending(deps, due, needed.medium, needed.ttl_seconds, live_view=view)
        run, lease = due.correlation_id, pending.expires_at + CHALLENGE_GRACE
        if not await change_if_allowed(
            deps.connections,
            conn.connection_id,
            lambda c: c.await_person(run, pending, lease),
        ):
            raise ChallengeExpired("the connection changed while a person was needed")
        yield _told(deps, conn, due, pending)
        seconds = (pending.expires_at - deps.clock()).total_seconds()
        await portal.wait_for_person(seconds)
        await change_if_allowed(
            deps.connections,
            conn.connection_id,
            lambda c: c.person_done(run, pending.challenge_id),
        )
    finally:
        live.close(view_id)
