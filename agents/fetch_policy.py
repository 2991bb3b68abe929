"""Fetcher decisions (pure): what a portal failure means for the connection."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from schemas.errors import NOT_RETRIED, OWNER, ErrorCode, ErrorOwner


@dataclass(frozen=True)
class RetryBackoff:
    base_seconds: float = 60.0
    cap_seconds: float = 6 * 3600.0
    max_attempts: int = 5  # consecutive transient failures before giving the run up


class FailureAction(StrEnum):
    DISRUPT = "disrupt"  # user-class: tell a person, never retry
    RETRY = "retry"  # transient: back off, honour Retry-After
    GIVE_UP = "give_up"  # exhausted or ours to fix: dead-letter, keep the schedule


def action_for(code: ErrorCode, failed_attempts: int, backoff: RetryBackoff):
    """failed_attempts counts this failure too."""
    owner = OWNER[code]
    if owner is ErrorOwner.USER:
        return FailureAction.DISRUPT
    if code in NOT_RETRIED:
        return FailureAction.GIVE_UP  # retrying cannot help; operators must act
    if failed_attempts >= backoff.max_attempts:
        return FailureAction.GIVE_UP
    return FailureAction.RETRY


def retry_at(
    now: datetime,
    failed_attempts: int,
    retry_after: float | None,
    backoff: RetryBackoff,
) -> datetime:
    delay = min(backoff.base_seconds * 2 ** (failed_attempts - 1), backoff.cap_seconds)
    if retry_after is not None:
        delay = max(delay, retry_after)  # never call back sooner than the portal asked
    return now + timedelta(seconds=delay)


def should_pause_supplier(failed: int, active: int, threshold: int) -> bool:
    """A layout change seen by `threshold` connections of a supplier (or by all of
    them, when it has fewer) is the portal's change, not one account's oddity."""
    return failed >= max(1, min(threshold, active))
