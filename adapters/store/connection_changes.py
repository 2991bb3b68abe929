"""Change a stored connection through its state machine: load it, apply one of its
transitions, save it guarded by the version it was loaded at; load again and re-apply
when another writer came first. No rule lives here: the transition decides."""

from collections.abc import Callable

from adapters.store.ports import ConnectionStore
from schemas.connection import Connection, TransitionNotAllowed

Change = Callable[[Connection], Connection]
ATTEMPTS = 8  # writers on one connection are few: the run, a person, dedupe


class UnknownConnection(LookupError):
    pass


class Contended(RuntimeError):
    """Other writers kept coming first: the stage retries the event."""


async def change(
    store: ConnectionStore, connection_id: str, transition: Change
) -> tuple[Connection, Connection]:
    """(before, after) once saved. TransitionNotAllowed when the state it finds does
    not allow the change; UnknownConnection when there is no such connection."""
    for _ in range(ATTEMPTS):
        before = await store.get(connection_id)
        if before is None:
            raise UnknownConnection(f"no connection {connection_id}")
        after = transition(before)
        if await store.save(after):
            return before, after.model_copy(update={"version": after.version + 1})
    raise Contended(f"connection {connection_id} changed under us {ATTEMPTS} times")


async def change_if_allowed(
    store: ConnectionStore, connection_id: str, transition: Change
) -> tuple[Connection, Connection] | None:
    """change, or None when the transition is not allowed (a stale run, say): for
    callers to whom that is an expected outcome, which they log or answer."""
    try:
        return await change(store, connection_id, transition)
    except TransitionNotAllowed:
        return None


__all__ = [
    "Contended",
    "TransitionNotAllowed",
    "UnknownConnection",
    "change",
    "change_if_allowed",
]
