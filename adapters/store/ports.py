"""Store ports the stages depend on, and the records only stores hold."""

from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from schemas.records import (
    Connection,
    FileRef,
    InboxItem,
    PendingChallenge,
    SealedSecret,
    Verdict,
)


class DocumentRecord(BaseModel):
    """Dedupe's memory of one fetched document."""

    model_config = ConfigDict(frozen=True)

    document_id: str
    tenant_id: str
    connection_id: str
    supplier_document_id: str
    sha256: str
    verdict: Verdict
    duplicate_of: str | None = None
    accepted_sent: bool = False
    created_at: datetime


class Delivery(StrEnum):
    """Where an idempotent effect stands after an insert attempt."""

    NEW = "new"  # first time: do the effect
    PENDING = "pending"  # recorded, effect not confirmed: do it again (at-least-once)
    DONE = "done"  # effect confirmed: nothing to do


class ConnectionStore(Protocol):
    async def create(self, conn: Connection) -> bool:
        """Insert; False if the connection id exists already."""

    async def get(self, connection_id: str) -> Connection | None: ...

    async def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        run_ids: list[str],
        exclude_suppliers: frozenset[str] = frozenset(),
    ) -> list[Connection]:
        """Atomically give due, unleased, active connections a run (one per run id),
        skipping the excluded suppliers."""

    async def running_by_supplier(self, now: datetime) -> dict[str, int]:
        """Connections holding an unexpired run lease, per supplier."""

    async def count_active(self, supplier_id: str) -> int:
        """Connections of the supplier that are pending or connected."""

    async def release_run(self, connection_id: str, run_id: str) -> bool:
        """End the run without a verdict; the connection stays due."""

    async def await_challenge(
        self,
        connection_id: str,
        run_id: str,
        *,
        challenge: PendingChallenge,
        portal_session: SealedSecret,
        lease_until: datetime,
    ) -> bool:
        """The run waits for a one-time code; its lease lasts until the code expires."""

    async def expired_challenges(self, now: datetime) -> list[Connection]: ...

    async def touch_run(
        self, connection_id: str, run_id: str, until: datetime
    ) -> bool: ...

    async def finish_run(
        self,
        connection_id: str,
        run_id: str,
        *,
        now: datetime,
        bookmark: date | None,
        next_check_at: datetime,
        found: int,
        portal_session: SealedSecret | None = None,
    ) -> Connection | None:
        """Close the run as a success; the state before, or None if not this run's."""

    async def disrupt(
        self,
        connection_id: str,
        run_id: str,
        *,
        now: datetime,
        error_code: str,
        disruption_id: str,
    ) -> Connection | None:
        """Mark disrupted; the state before, or None if not this run's."""

    async def retry_later(
        self,
        connection_id: str,
        run_id: str,
        *,
        at: datetime,
        error_code: str,
        failed_attempts: int,
    ) -> bool: ...


class SupplierStore(Protocol):
    """Per-supplier state operators care about: layout failures and pauses."""

    async def record_layout_failure(
        self, supplier_id: str, connection_id: str, at: datetime
    ) -> set[str]:
        """Remember that this connection saw a changed layout; all that have."""

    async def clear_layout_failure(self, supplier_id: str, connection_id: str) -> None:
        """The connection fetched fine again."""

    async def pause(self, supplier_id: str, reason: str, at: datetime) -> bool:
        """True if this call paused it (False: it was paused already)."""

    async def resume(self, supplier_id: str) -> bool:
        """Unpause and forget failures; False if it was not paused."""

    async def paused(self) -> set[str]: ...


class DocumentStore(Protocol):
    async def get(self, document_id: str) -> DocumentRecord | None: ...

    async def find_new_by_sha(
        self, tenant_id: str, sha256: str
    ) -> DocumentRecord | None:
        """The tenant's first accepted document with these bytes, if any."""

    async def insert(self, record: DocumentRecord) -> bool: ...

    async def mark_sent(self, document_id: str) -> None: ...

    async def known_ids(self, connection_id: str, supplier_ids: list[str]) -> set[str]:
        """Which of these portal ids dedupe has already seen for the connection."""


class FileStore(Protocol):
    async def put(self, data: bytes, filename: str, content_type: str) -> FileRef:
        """Store by sha256; storing the same bytes twice keeps one copy."""

    async def get(self, sha256: str) -> bytes | None: ...


class InboxStore(Protocol):
    async def insert(self, tenant_id: str, item: InboxItem) -> Delivery: ...

    async def mark_posted(self, item_id: str) -> None: ...

    async def list(self, tenant_id: str) -> list[InboxItem]: ...


class NotificationStore(Protocol):
    async def claim(self, disruption_id: str, connection_id: str) -> Delivery: ...

    async def mark_sent(self, disruption_id: str) -> None: ...
