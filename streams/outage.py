"""The port for a service every stage needs (the database): telling its outage from a
failure of the event, and waiting, bounded, until it answers again."""

from typing import Protocol


class Outages(Protocol):
    def is_outage(self, exc: BaseException) -> bool:
        """Whether exc says the service is away, not that the event is bad."""
        ...

    def noticed(self, stage: str, exc: BaseException) -> None:
        """A timer saw the outage: remember it (once in the log) without waiting."""
        ...

    async def wait(self, stage: str) -> None:
        """Return once the service answers again. Past the bound, stop the process:
        the events in flight are not committed and the next worker runs them."""
        ...


class NoOutages:
    """For handlers with no such service (unit tests): every failure is the event's."""

    def is_outage(self, exc: BaseException) -> bool:
        return False

    def noticed(self, stage: str, exc: BaseException) -> None:
        pass

    async def wait(self, stage: str) -> None:
        pass
