"""One event model per topic; field descriptions are exported into the JSON Schemas."""

from datetime import date
from typing import ClassVar

from pydantic import EmailStr, Field

from schemas.envelope import Event
from schemas.errors import ErrorCode
from schemas.records import (
    ConnectionStatus,
    ConnectorKind,
    DocumentMetadata,
    FetchReason,
    FetchSchedule,
    FileRef,
    InboxItem,
    SealedSecret,
    Verdict,
)


class ConnectionCreated(Event):
    """A business connected a supplier portal; key: connection_id."""

    TYPE: ClassVar[str] = "connection-created"

    supplier_id: str = Field(min_length=1, description="Catalog id of the supplier")
    portal_variant: str = Field(default="default", description="Region/account host")
    connector_kind: ConnectorKind
    document_owner: str = Field(min_length=1, description="Who owns the documents")
    notify_email: EmailStr = Field(description="Who is told when the connection breaks")
    collect_from: date = Field(description="Fetch documents issued on or after this")
    schedule: FetchSchedule = FetchSchedule()
    credentials: SealedSecret


class FetchDue(Event):
    """A connection should be fetched now; key: connection_id."""

    TYPE: ClassVar[str] = "fetch-due"

    reason: FetchReason
    since: date = Field(description="List documents issued on or after this date")
    attempt: int = Field(default=1, ge=1)


class DocumentFound(Event):
    """The fetcher stored a document's file; key: tenant_id."""

    TYPE: ClassVar[str] = "document-found"

    supplier_id: str
    supplier_document_id: str = Field(description="The portal's own id, per connection")
    metadata: DocumentMetadata
    file: FileRef


class DocumentAccepted(Event):
    """Dedupe found the document new (or flagged it); key: tenant_id."""

    TYPE: ClassVar[str] = "document-accepted"

    document_id: str
    supplier_id: str
    supplier_document_id: str
    verdict: Verdict
    duplicate_of: str | None = None
    metadata: DocumentMetadata
    file: FileRef


class InboxPosted(Event):
    """A document is in the tenant's inbox; key: tenant_id."""

    TYPE: ClassVar[str] = "inbox-posted"

    item: InboxItem


class AuthFailed(Event):
    """A connection needs a person: a user-class error; key: connection_id."""

    TYPE: ClassVar[str] = "auth-failed"

    disruption_id: str = Field(description="One per disruption: notify once per id")
    supplier_id: str
    supplier_name: str
    error_code: ErrorCode
    title: str
    remedy: str = Field(description="What the user should do, in plain words")


class ConnectionStatusChanged(Event):
    """A connection's status moved; key: connection_id."""

    TYPE: ClassVar[str] = "connection-status-changed"

    old_status: ConnectionStatus | None
    new_status: ConnectionStatus
    reason: str
    error_code: ErrorCode | None = None


class DeadLetter(Event):
    """An event no stage could process; key: the original key."""

    TYPE: ClassVar[str] = "dead-letter"

    tenant_id: str | None = None  # type: ignore[assignment]
    connection_id: str | None = None  # type: ignore[assignment]
    original_topic: str
    original_key_b64: str | None = None
    original_value_b64: str
    stage: str
    error: str
    attempts: int = Field(ge=0)
