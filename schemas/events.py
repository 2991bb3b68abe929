"""One event model per topic; field descriptions are exported into the JSON Schemas."""

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import EmailStr, Field

from schemas.envelope import UPCASTERS, Event
from schemas.errors import ErrorCode
from schemas.records import (
    ChallengeMedium,
    ConnectionStatus,
    ConnectorKind,
    DocumentFacts,
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
    """Dedupe found the document new, or flagged it as a duplicate to post; key:
    tenant_id. Version 2 added `facts` and the verdict `suspected_duplicate`;
    version 3 added where the facts were read from and the e-invoice's profile and
    warnings (`facts.read_from`, `facts.e_invoice`)."""

    TYPE: ClassVar[str] = "document-accepted"
    VERSION: ClassVar[int] = 3

    document_id: str
    supplier_id: str
    supplier_document_id: str
    verdict: Verdict
    duplicate_of: str | None = Field(
        default=None, description="The document it duplicates, when flagged"
    )
    metadata: DocumentMetadata
    file: FileRef
    facts: DocumentFacts | None = Field(
        default=None, description="What the document itself says, with confidences"
    )


class DocumentRejected(Event):
    """A fetched file is not a document we accept; never posted; key: tenant_id."""

    TYPE: ClassVar[str] = "document-rejected"

    supplier_id: str
    supplier_document_id: str
    file: FileRef
    reason: str = Field(
        description="empty, too_large, not_a_document, unreadable or encrypted"
    )
    detail: str = Field(description="The reason in plain words")


class InboxPosted(Event):
    """A document is in the tenant's inbox; key: tenant_id. Version 2: the item
    carries the document's facts, its verdict and what it duplicates. Version 3: the
    facts say where they were read from (e-invoice XML, text, OCR) and carry the
    e-invoice's profile and schema warnings."""

    TYPE: ClassVar[str] = "inbox-posted"
    VERSION: ClassVar[int] = 3

    item: InboxItem


# New fields are optional with defaults: a version 1 event reads unchanged.
UPCASTERS[("document-accepted", 1)] = lambda data: {**data, "version": 2}
UPCASTERS[("inbox-posted", 1)] = lambda data: {**data, "version": 2}
# Version 3's new facts fields are optional: a version 2 event reads unchanged.
UPCASTERS[("document-accepted", 2)] = lambda data: {**data, "version": 3}
UPCASTERS[("inbox-posted", 2)] = lambda data: {**data, "version": 3}


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
    """A connection's status moved; key: connection_id.

    Version 2 added the status `deleted`; a version 1 event reads unchanged.
    """

    TYPE: ClassVar[str] = "connection-status-changed"
    VERSION: ClassVar[int] = 2

    old_status: ConnectionStatus | None
    new_status: ConnectionStatus
    reason: str
    error_code: ErrorCode | None = None


class FetchRequested(Event):
    """A person asked for a fetch now (or reconnected); key: connection_id.

    The scheduler starts a run unless one is in flight or the supplier is paused.
    """

    TYPE: ClassVar[str] = "fetch-requested"

    reason: FetchReason = FetchReason.MANUAL


UPCASTERS[("connection-status-changed", 1)] = lambda data: {**data, "version": 2}


class ChallengeRequired(Event):
    """A portal asks for a person; the fetch waits; key: connection_id. Either it sent
    a one-time code (answered with challenge-answered), or it shows a captcha or waits
    for an approval in its app (answered_in: live_view, done by the person in the
    connected suppliers page, where the portal's page is shown live).

    The API shows it and notification services can tell the person; nothing secret.
    Version 2 added the medium `captcha` and answered_in; a version 1 event reads as
    a code.
    """

    TYPE: ClassVar[str] = "challenge-required"
    VERSION: ClassVar[int] = 2

    challenge_id: str = Field(description="Answer with this id")
    answered_in: Literal["code", "live_view"] = Field(
        default="code",
        description="code: send challenge-answered; live_view: the person acts in "
        "the portal's page shown live on the connected suppliers page",
    )
    supplier_id: str
    supplier_name: str
    medium: ChallengeMedium
    destination_hint: str | None = Field(
        default=None, description="Where the code went, masked, e.g. phone ending 42"
    )
    expires_at: datetime = Field(description="After this the fetch gives up")


class ChallengeAnswered(Event):
    """A person answered a challenge; the code travels sealed; key: connection_id."""

    TYPE: ClassVar[str] = "challenge-answered"

    challenge_id: str
    code: SealedSecret = Field(description='Sealed JSON {"code": "123456"}')


class OperatorAlert(Event):
    """Something operators must fix, e.g. a supplier paused; key: supplier_id."""

    TYPE: ClassVar[str] = "operator-alert"

    tenant_id: str | None = None  # type: ignore[assignment]
    connection_id: str | None = None  # type: ignore[assignment]
    alert: str = Field(description="What happened, e.g. supplier_paused")
    supplier_id: str
    error_code: ErrorCode
    detail: str
    connection_ids: list[str] = Field(
        default_factory=list, description="Connections that saw it"
    )


class DeadLetter(Event):
    """An event no stage could process; key: the original key. Version 2: a large
    original is kept as a bounded prefix, with its size, sha256 and where the whole
    of it can still be read (topic, partition, offset)."""

    TYPE: ClassVar[str] = "dead-letter"
    VERSION: ClassVar[int] = 2

    tenant_id: str | None = None  # type: ignore[assignment]
    connection_id: str | None = None  # type: ignore[assignment]
    original_topic: str
    original_key_b64: str | None = None
    original_value_b64: str = Field(
        description="The original bytes, base64; only a prefix when truncated"
    )
    original_truncated: bool = False
    original_size: int | None = Field(default=None, ge=0, description="Bytes")
    original_sha256: str | None = None
    original_partition: int | None = None
    original_offset: int | None = None
    stage: str
    error: str
    attempts: int = Field(ge=0)


UPCASTERS[("challenge-required", 1)] = lambda data: {
    **data,
    "version": 2,
    "answered_in": "code",
}
# New fields are optional: a version 1 letter reads unchanged.
UPCASTERS[("dead-letter", 1)] = lambda data: {**data, "version": 2}
