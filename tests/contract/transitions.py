"""The fetch-run steps the contract tests drive, each one domain transition applied
through connection_changes.change_if_allowed on the store under test: None or False
where the transition is not allowed, as the stages see it."""

from adapters.store.connection_changes import change_if_allowed


class Steps:
    def __init__(self, store) -> None:
        self.store = store

    def __getattr__(self, name):  # get, create, claim_due, ...: the store's own
        return getattr(self.store, name)

    async def _before(self, connection_id, transition):
        changed = await change_if_allowed(self.store, connection_id, transition)
        return changed[0] if changed else None

    async def _done(self, connection_id, transition) -> bool:
        return await self._before(connection_id, transition) is not None

    async def finish_run(self, connection_id, run_id, **kw):
        return await self._before(connection_id, lambda c: c.finish(run_id, **kw))

    async def disrupt(self, connection_id, run_id, **kw):
        return await self._before(connection_id, lambda c: c.disrupt(run_id, **kw))

    async def retry_later(self, connection_id, run_id, **kw):
        return await self._done(connection_id, lambda c: c.retry_later(run_id, **kw))

    async def touch_run(self, connection_id, run_id, until):
        return await self._done(connection_id, lambda c: c.keep_lease(run_id, until))

    async def release_run(self, connection_id, run_id):
        return await self._done(connection_id, lambda c: c.release(run_id))

    async def await_challenge(
        self, connection_id, run_id, *, challenge, portal_session, lease_until
    ):
        return await self._done(
            connection_id,
            lambda c: c.await_code(run_id, challenge, portal_session, lease_until),
        )

    async def take_challenge(self, connection_id, challenge_id, lease_until):
        return await self._done(
            connection_id, lambda c: c.take_code(challenge_id, lease_until)
        )
