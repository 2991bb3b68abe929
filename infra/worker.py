"""`billhound worker`: wait for the broker and the database, run the agents, serve
/healthz, and stop within the grace period on SIGTERM whatever a stage is doing."""

import asyncio
import logging
import os
import threading

import faust

from infra.cli_env import Unreachable, say_unreachable, service_steps, wait_until_ready
from infra.settings import Settings

log = logging.getLogger(__name__)


def stop_worker(reason: str) -> None:
    """Past the wait for the database: stop at once, committing nothing more, so
    the events in flight go to the next worker (the orchestrator restarts us)."""
    log.critical("%s: stopping the worker; in-flight events run again", reason)
    logging.shutdown()
    os._exit(3)


class BoundedWorker(faust.Worker):
    """A Faust worker whose stop never outlasts `grace` seconds. Faust waits for the
    agents to finish the event in hand; a fetch run or a wait for the database can
    take minutes, longer than any orchestrator's grace period. Past the bound the
    process ends: nothing more is committed, so the next worker runs that event
    again (every stage is idempotent; a fetch run resumes under its run id)."""

    def __init__(self, app: faust.App, *, grace: float, **kw) -> None:
        super().__init__(app, **kw)
        self.grace = grace

    def _schedule_shutdown(self, signal) -> None:
        if not self._signal_stop_time:
            timer = threading.Timer(self.grace, self._past_grace, (signal,))
            timer.daemon = True  # a thread: it fires even if the loop is blocked
            timer.start()
        super()._schedule_shutdown(signal)

    def _past_grace(self, signal) -> None:
        log.warning(
            "%s: not stopped within %.0f s; stopping now, the event in hand runs "
            "again on the next worker",
            getattr(signal, "name", signal),
            self.grace,
        )
        logging.shutdown()
        os._exit(0)


def run_worker(settings: Settings) -> int:
    from infra.bootstrap import build_worker, prepare

    # One loop for set-up and for Faust, so clients made here stay on it.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(
            wait_until_ready(
                "worker",
                service_steps(settings, prepare),
                settings.startup_wait_seconds,
            )
        )
    except Unreachable as exc:
        say_unreachable("worker", exc)
        return 2
    app = build_worker(settings)
    worker = BoundedWorker(
        app,
        grace=settings.shutdown_seconds,
        loop=loop,
        loglevel=settings.log_level.lower(),
    )
    worker.execute_from_commandline()  # runs until SIGTERM/SIGINT
    return 0
