"""The pipeline as data: which stage handles which topic with which method, and the
timers. The Faust wiring (infra/wiring.py) and the in-process bus
(streams/memory_bus.py) both run this table; nothing else says who consumes what."""

from dataclasses import dataclass

from schemas.envelope import Event
from schemas.events import (
    AuthFailed,
    ChallengeAnswered,
    ChallengeRequired,
    ConnectionCreated,
    ConnectionStatusChanged,
    DocumentAccepted,
    DocumentFound,
    FetchDue,
    FetchRequested,
)
from schemas.records import FetchReason


@dataclass(frozen=True)
class Subscription:
    topic: str
    model: type[Event]
    stage: str
    method: str  # on the stage's handler: async generator of Outgoing
    name: str  # the Faust agent's name
    # A run that may take minutes (a fetch): started in the stage's run pool, side
    # by side with others, its message acknowledged once it is queued.
    pooled: bool = False
    # A method taking a list of events (-> streams.stage.Effects): the agent takes
    # what has arrived, up to a batch, and falls back to `method` one by one.
    batch: str | None = None


@dataclass(frozen=True)
class Timer:
    stage: str
    method: str
    name: str


SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(
        "connection-created",
        ConnectionCreated,
        "scheduler",
        "on_connection_created",
        "scheduler",
    ),
    Subscription(
        "fetch-requested",
        FetchRequested,
        "scheduler",
        "on_fetch_requested",
        "scheduler-requests",
    ),
    Subscription(
        "fetch-due", FetchDue, "fetcher", "on_fetch_due", "fetcher", pooled=True
    ),
    Subscription(
        "challenge-answered",
        ChallengeAnswered,
        "fetcher",
        "on_challenge_answered",
        "fetcher-answers",
        pooled=True,
    ),
    # Keyed by tenant: one tenant's documents pass in order (a batch is judged as
    # if one at a time), so two copies of one document cannot both be judged new.
    Subscription(
        "document-found",
        DocumentFound,
        "dedupe",
        "on_document_found",
        "dedupe",
        batch="on_documents_found",
    ),
    Subscription(
        "document-accepted",
        DocumentAccepted,
        "inbox",
        "on_document_accepted",
        "inbox",
        batch="on_documents_accepted",
    ),
    Subscription("auth-failed", AuthFailed, "notifier", "on_auth_failed", "notifier"),
    Subscription(
        "connection-status-changed",
        ConnectionStatusChanged,
        "notifier",
        "on_status_changed",
        "notifier-status",
    ),
    Subscription(
        "challenge-required",
        ChallengeRequired,
        "notifier",
        "on_challenge_required",
        "notifier-codes",
    ),
)

# Each runs on the leader only; the claims they make are atomic anyway.
TIMERS: tuple[Timer, ...] = (
    Timer("scheduler", "on_tick", "scheduler-tick"),
    Timer("fetcher", "on_tick", "fetcher-challenge-expiry"),
    Timer("notifier", "on_tick", "notifier-reminders"),
)

STAGES = ("scheduler", "fetcher", "dedupe", "inbox", "notifier")


# Runs a person is waiting for start before scheduled re-checks.
URGENT_REASONS = frozenset({FetchReason.INITIAL.value, FetchReason.MANUAL.value})


def urgent(topic: str, event: dict) -> bool:
    """A person waits for this run: a first fetch, a fetch now or a reconnect, an
    answered code. `event` is the message as loose JSON (it is parsed later)."""
    if topic == ChallengeAnswered.TYPE:
        return True
    return topic == FetchDue.TYPE and event.get("reason") in URGENT_REASONS
