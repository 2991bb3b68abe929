"""A person's changes to a connection: fetch now, pause, resume, delete, and the
answer to a 2-factor code. Each is one atomic store change, then its events."""

from adapters.store.connection_changes import change_if_allowed
from adapters.vault.sealing import seal_data
from adapters.web.errors import ApiError
from adapters.web.services import WebServices
from schemas.api import ChallengeAnswerIn
from schemas.connection import Connection
from schemas.events import ChallengeAnswered, FetchRequested
from schemas.records import ConnectionStatus, Tenant

S = ConnectionStatus


def not_now(conn: Connection, action: str) -> ApiError:
    why = {
        S.DISRUPTED: "it is disrupted: update the login first",
        S.PAUSED: "it is paused: resume it first",
    }.get(conn.status, f"it is {conn.status.value}")
    return ApiError(409, "conflict", f"cannot {action} this connection: {why}")


async def fetch_now(svc: WebServices, tenant: Tenant, connection_id: str) -> None:
    conn = await svc.connection(tenant, connection_id)
    now = svc.clock()
    if not await change_if_allowed(
        svc.connections, connection_id, lambda c: c.fetch_now(now)
    ):
        raise not_now(conn, "fetch")
    await svc.publish(
        "fetch-requested",
        connection_id,
        FetchRequested(tenant_id=tenant.tenant_id, connection_id=connection_id),
    )


async def pause(svc: WebServices, tenant: Tenant, connection_id: str) -> None:
    conn = await svc.connection(tenant, connection_id)
    now = svc.clock()
    changed = await change_if_allowed(
        svc.connections, connection_id, lambda c: c.pause(now)
    )
    if changed is None:
        raise not_now(conn, "pause")
    await svc.status_changed(changed[0], S.PAUSED, "paused by a person")


async def resume(svc: WebServices, tenant: Tenant, connection_id: str) -> None:
    await svc.connection(tenant, connection_id)
    now = svc.clock()
    changed = await change_if_allowed(
        svc.connections, connection_id, lambda c: c.resume(now)
    )
    if changed is None:
        raise ApiError(409, "conflict", "cannot resume: the connection is not paused")
    before, after = changed
    target = after.status
    await svc.status_changed(before, target, "resumed by a person")
    if target is not S.DISRUPTED:
        await svc.publish(
            "fetch-requested",
            connection_id,
            FetchRequested(tenant_id=tenant.tenant_id, connection_id=connection_id),
        )


async def delete(svc: WebServices, tenant: Tenant, connection_id: str) -> None:
    """Stops fetching; what was fetched stays in the inbox."""
    await svc.connection(tenant, connection_id)
    now = svc.clock()
    changed = await change_if_allowed(
        svc.connections, connection_id, lambda c: c.delete(now)
    )
    if changed is not None:
        await svc.status_changed(changed[0], S.DELETED, "deleted by a person")


async def answer_challenge(
    svc: WebServices, tenant: Tenant, connection_id: str, body: ChallengeAnswerIn
) -> None:
    conn = await svc.connection(tenant, connection_id)
    pending = conn.challenge
    if pending is None or pending.challenge_id != body.challenge_id:
        raise ApiError(
            409,
            "no_such_challenge",
            "this connection is not waiting for that code (it may have expired)",
            field="challenge_id",
        )
    if pending.expires_at <= svc.clock():
        raise ApiError(409, "challenge_expired", "the code request expired")
    # The code travels sealed, like a password: only a fetcher can read it.
    sealed = seal_data(svc.public_key, {"code": body.code.replace(" ", "")})
    event = ChallengeAnswered(
        tenant_id=tenant.tenant_id,
        connection_id=connection_id,
        correlation_id=pending.run_id,
        challenge_id=pending.challenge_id,
        code=sealed,
    )
    await svc.publish("challenge-answered", connection_id, event)
