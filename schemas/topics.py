"""Topic names and the event model each carries: the contract other services rely on."""

from schemas.envelope import Event
from schemas.events import (
    AuthFailed,
    ChallengeAnswered,
    ChallengeRequired,
    ConnectionCreated,
    ConnectionStatusChanged,
    DeadLetter,
    DocumentAccepted,
    DocumentFound,
    DocumentRejected,
    FetchDue,
    FetchRequested,
    InboxPosted,
    OperatorAlert,
)

EVENT_TYPES: tuple[type[Event], ...] = (
    ConnectionCreated,
    FetchDue,
    FetchRequested,
    DocumentFound,
    DocumentAccepted,
    DocumentRejected,
    InboxPosted,
    AuthFailed,
    ConnectionStatusChanged,
    ChallengeRequired,
    ChallengeAnswered,
    OperatorAlert,
    DeadLetter,
)

# Topic name == event TYPE; an optional deployment prefix is applied in streams/.
TOPIC_NAMES: tuple[str, ...] = tuple(model.TYPE for model in EVENT_TYPES)
MODEL_BY_TOPIC: dict[str, type[Event]] = {model.TYPE: model for model in EVENT_TYPES}
