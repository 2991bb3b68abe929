"""The one way a dead letter is made, by the stage runner and by a stage that gives a
run up: always publishable (a large original keeps a bounded prefix, its size and
sha256, and where the whole of it can still be read)."""

import base64
import hashlib

from schemas.envelope import Event
from schemas.events import DeadLetter
from streams.publish import Outgoing

KEEP_BYTES = 64 * 1024  # of a poison event in its letter; far below any broker limit
KEEP_KEY = 1024


def dead_letter(
    *,
    stage: str,
    topic: str,
    key: bytes | None,
    raw: bytes,
    reason: str,
    attempts: int,
    event: Event | None = None,
    where: tuple[int, int] | None = None,  # partition, offset
) -> Outgoing:
    ids = {}
    if event is not None:
        ids = {
            "tenant_id": event.tenant_id,
            "connection_id": event.connection_id,
            "correlation_id": event.correlation_id,
            "causation_id": event.event_id,
        }
    partition, offset = where or (None, None)
    letter = DeadLetter(
        **ids,
        original_topic=topic,
        original_key_b64=base64.b64encode(key[:KEEP_KEY]).decode() if key else None,
        original_value_b64=base64.b64encode(raw[:KEEP_BYTES]).decode(),
        original_truncated=len(raw) > KEEP_BYTES,
        original_size=len(raw),
        original_sha256=hashlib.sha256(raw).hexdigest(),
        original_partition=partition,
        original_offset=offset,
        stage=stage,
        error=reason[:2000],
        attempts=attempts,
    )
    return Outgoing(
        "dead-letter", key[:KEEP_KEY].decode(errors="replace") if key else None, letter
    )
