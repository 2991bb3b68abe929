"""Store ports the stages depend on, and the records only stores hold."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from adapters.store.outcomes import DocumentOutcomes
from schemas.connection import Connection
from schemas.records import (
    DocumentFacts,
    FileRef,
    InboxItem,
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
    accepted_sent: bool = False  # the outcome (accepted or rejected) was published
    created_at: datetime
    facts: DocumentFacts | None = None
    strong_key: str | None = None  # supplier, kind, number, total, currency, date
    weak_key: str | None = None  # the same without the number
    has_number: bool = False
    post: bool = True  # False: an exact duplicate dropped in automatic mode
    rejection: str | None = None  # why the file is not a document we accept


@dataclass(frozen=True)
class Attachment:
    """The same invoice in another format, for an inbox item: the document it is,
    its file, and its facts where they are better (read from its XML)."""

    document_id: str
    file: FileRef
    facts: DocumentFacts | None = None


class Delivery(StrEnum):
    """Where an idempotent effect stands after an insert attempt."""

    NEW = "new"  # first time: do the effect
    PENDING = "pending"  # recorded, effect not confirmed: do it again (at-least-once)
    DONE = "done"  # effect confirmed: nothing to do


class ConnectionStore(Protocol):
    """Storing and loading connections; every rule about what may change is on the
    Connection (schemas/connection.py), applied through connection_changes.change.
    The claims are queries that express Connection.claimable, so that many workers
    can claim at once without reading first."""

    async def create(self, conn: Connection) -> bool:
        """Insert; False if the connection id exists already."""

    async def get(self, connection_id: str) -> Connection | None: ...

    async def get_many(self, connection_ids: set[str]) -> dict[str, Connection]:
        """The connections that exist, by id: one query."""

    async def save(self, conn: Connection) -> bool:
        """Write conn, its version bumped, if the stored version is still
        conn.version; False when another writer came first."""

    async def list_by_tenant(self, tenant_id: str) -> list[Connection]:
        """The tenant's connections, oldest first, without deleted ones."""

    async def claim_one(
        self, connection_id: str, now: datetime, lease_until: datetime, run_id: str
    ) -> Connection | None:
        """claim_due for one connection: active, due and not running."""

    async def due(
        self,
        now: datetime,
        limit: int,
        exclude_suppliers: frozenset[str] = frozenset(),
    ) -> list[Connection]:
        """Up to `limit` claimable connections (`Connection.claimable`), the longest
        due first, skipping the excluded suppliers: one indexed query."""

    async def claim_all(
        self, claims: list[tuple[Connection, str]], now: datetime, lease_until: datetime
    ) -> list[Connection]:
        """Give each connection, as it was loaded, its run id and lease, unless it
        changed since or is no longer claimable: one bulk write. The claimed ones."""

    async def running_by_supplier(self, now: datetime) -> dict[str, int]:
        """Connections holding an unexpired run lease, per supplier."""

    async def count_active(self, supplier_id: str) -> int:
        """Connections of the supplier that are pending or connected."""

    async def expired_challenges(self, now: datetime) -> list[Connection]: ...


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

    async def get_many(self, document_ids: list[str]) -> dict[str, DocumentRecord]:
        """The records that exist, by id: one query."""

    async def originals(
        self,
        tenant_id: str,
        sha256s: list[str],
        strong_keys: list[str],
        weak_keys: list[str],
    ) -> list[DocumentRecord]:
        """The tenant's accepted documents (judged new, readable) with any of these
        bytes or field keys, oldest first: what a batch of documents is compared
        with. One query per kind of key, each served by an index."""

    async def insert(self, record: DocumentRecord) -> bool: ...

    async def insert_many(self, records: list[DocumentRecord]) -> list[bool]:
        """Insert each; False where its id or portal id was recorded already."""

    async def mark_sent(self, document_ids: list[str]) -> None:
        """Their outcomes were published."""

    async def known_ids(self, connection_id: str, supplier_ids: list[str]) -> set[str]:
        """Which of these portal ids dedupe has already seen for the connection."""

    async def outcomes(self, connection_id: str) -> DocumentOutcomes:
        """How the connection's documents were judged (posted, dropped, rejected)."""


class FileStore(Protocol):
    async def put(self, data: bytes, filename: str, content_type: str) -> FileRef:
        """Store by sha256; storing the same bytes twice keeps one copy."""

    async def get(self, sha256: str) -> bytes | None: ...

    async def get_many(self, sha256s: list[str]) -> dict[str, bytes]:
        """Those stored, by sha256, in a few queries; one missing here may still be
        read by get (a copy stored twice, say)."""


class InboxStore(Protocol):
    async def insert(self, tenant_id: str, item: InboxItem) -> Delivery: ...

    async def insert_many(self, items: list[tuple[str, InboxItem]]) -> list[Delivery]:
        """insert for each (tenant, item), in one write where the database can."""

    async def mark_posted(self, item_ids: list[str]) -> None: ...

    async def list(
        self,
        tenant_id: str,
        *,
        connection_id: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[InboxItem]:
        """Newest issue date first; after: inbox_cursor() of the last item seen."""

    async def get(self, tenant_id: str, item_id: str) -> InboxItem | None: ...

    async def attach(
        self, tenant_id: str, item_id: str, attached: Attachment
    ) -> tuple[Delivery, InboxItem]:
        """Add another format of the item's invoice to it, once per document id
        (the facts become the attachment's where it is the e-invoice); the item as
        it now is. LookupError if the item is not there (yet)."""

    async def mark_attached(self, item_id: str, document_id: str) -> None:
        """The attachment's inbox-posted is confirmed published."""

    async def count_by_connection(
        self, tenant_id: str, connection_id: str | None = None
    ) -> dict[str, int]:
        """Items per connection; connection_id: count that one only."""


def inbox_cursor(item: InboxItem) -> str:
    """Where a page of the inbox ends: issue date, then item id."""
    return f"{item.metadata.issued_on.isoformat()}~{item.item_id}"


def parse_inbox_cursor(cursor: str) -> tuple[str, str]:
    """ValueError if it is not a cursor inbox_cursor() made."""
    issued, sep, item_id = cursor.partition("~")
    date.fromisoformat(issued)
    if not sep or not item_id:
        raise ValueError("not an inbox cursor")
    return issued, item_id


class Reminder(BaseModel):
    """A disruption mail due to be sent again."""

    model_config = ConfigDict(frozen=True)

    notification_id: str
    connection_id: str
    reminders_sent: int  # including this one


class NotificationStore(Protocol):
    async def claim(self, notification_id: str, connection_id: str) -> Delivery:
        """Record that a mail is due (notification_id: a disruption, or a
        deterministic key such as initial:<connection>)."""

    async def mark_sent(
        self, notification_id: str, remind_at: datetime | None = None
    ) -> None:
        """The mail went out; remind_at: when to send a reminder, if ever."""

    async def claim_reminders(
        self, now: datetime, every: timedelta, limit: int
    ) -> list[Reminder]:
        """Reminders due now; each is moved on by `every`, or closed after `limit`."""

    async def stop_reminders(self, notification_id: str) -> None: ...
