"""Value objects shared by events and stored records: secrets, schedules, documents."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ConnectorKind(StrEnum):
    COST = "cost"  # supplier bills: money going out
    SALES = "sales"  # customer invoices: money coming in


class ConnectionStatus(StrEnum):
    PENDING = "pending"  # created, initial fetch not finished
    CONNECTED = "connected"
    DISRUPTED = "disrupted"  # a user-class error; waits for the user
    PAUSED = "paused"  # a person paused it; nothing is fetched until resumed
    DELETED = "deleted"  # no longer fetched; what was fetched stays in the inbox


class FetchReason(StrEnum):
    INITIAL = "initial"
    SCHEDULED = "scheduled"
    MANUAL = "manual"
    RETRY = "retry"


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    RECEIPT = "receipt"
    STATEMENT = "statement"


class Verdict(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"  # exact: the same bytes as an earlier document
    SUSPECTED_DUPLICATE = "suspected_duplicate"  # same supplier, number, total, date
    # The same invoice in another format from the same connection (its XML beside its
    # PDF): attached to the first one's inbox item, never an item of its own.
    SAME_INVOICE = "same_invoice"


class DedupeMode(StrEnum):
    AUTOMATIC = "automatic"  # drop exact duplicates, flag field matches
    REVIEW = "review"  # flag every duplicate, drop none
    OFF = "off"  # post everything (a portal document is still posted once)


class ChallengeMedium(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    APP = "app"  # a push or code in the supplier's own app
    CAPTCHA = "captcha"  # a check only a person passes, in the live view


class LiveView(Frozen):
    """Where a person finishes a step at the portal: the worker holding the portal's
    page, and the view there. Opened only through the web, by the tenant."""

    address: str = Field(
        description="The worker's live-view server, inside the deployment"
    )
    view_id: str
    viewer_hash: str | None = Field(
        default=None,
        description="sha256 of the web's ticket for this view, once opened",
    )


class SealedSecret(Frozen):
    """Credentials sealed to the fetchers' public key; only ciphertext travels."""

    key_id: str = Field(min_length=1, description="Which public key sealed it")
    algorithm: str = Field(default="x25519-xsalsa20-poly1305-sealedbox")
    ciphertext: str = Field(min_length=1, description="base64 of the sealed box")

    def __repr_args__(self):  # repr() and str() show which key, not the ciphertext
        yield "key_id", self.key_id
        yield "algorithm", self.algorithm


class FetchSchedule(Frozen):
    interval_hours: float = Field(default=168.0, gt=0, description="Weekly by default")


class FileRef(Frozen):
    """A stored file, addressed by content: the bytes live in GridFS, not on Kafka."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    content_type: str = "application/pdf"
    filename: str


class DocumentMetadata(Frozen):
    """What the portal's list says about a document."""

    number: str | None = None
    kind: DocumentKind = DocumentKind.INVOICE
    issued_on: date
    total: Decimal | None = None
    currency: str | None = None


class Reading(Frozen):
    """One fact read from a document: normalised text, and how sure the reader is."""

    value: str | None = Field(
        default=None, description="ISO date, decimal amount, upper-case currency"
    )
    confidence: float = Field(default=0.0, ge=0, le=1)


class EInvoice(Frozen):
    """The e-invoice a document is or carries: its XML is where the facts come from."""

    syntax: Literal["CII", "UBL"]
    profile: str | None = Field(
        default=None,
        description="MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED, XRECHNUNG, "
        "PEPPOL BIS 3.0, or ZUGFeRD 1.0's COMFORT; none where the XML names no "
        "profile we know",
    )
    specification: str | None = Field(
        default=None, description="The XML's own specification identifier (BT-24)"
    )
    embedded: bool = Field(
        description="Inside a PDF (Factur-X, ZUGFeRD) rather than a file of its own"
    )
    xml: FileRef | None = Field(
        default=None, description="The XML kept beside the file, when embedded"
    )
    warnings: list[str] = Field(
        default=[],
        description="What fails its XML schema: shown, never a reason to reject",
    )


class DocumentFacts(Frozen):
    """What the document itself says, field by field, and where it was read from."""

    supplier: Reading = Reading()
    document_type: Reading = Reading()
    number: Reading = Reading()
    issue_date: Reading = Reading()
    due_date: Reading = Reading()
    currency: Reading = Reading()
    total: Reading = Reading()
    tax_total: Reading = Reading()
    supplier_tax_id: Reading = Reading()
    read_from: Literal["e-invoice", "text", "ocr"] | None = Field(
        default=None,
        description="e-invoice: its XML, exactly; text: the PDF's text layer; "
        "ocr: recognised in an image or a scan (confidences are the OCR's)",
    )
    e_invoice: EInvoice | None = None


class InboxItem(Frozen):
    """A document as the business's inbox holds it."""

    item_id: str
    document_id: str
    connection_id: str
    owner: str
    kind: ConnectorKind
    supplier_id: str
    supplier_document_id: str
    metadata: DocumentMetadata
    file: FileRef
    facts: DocumentFacts | None = None
    verdict: Verdict = Verdict.NEW
    duplicate_of: str | None = Field(
        default=None, description="The document this one duplicates, when flagged"
    )
    formats: list[FileRef] = Field(
        default=[],
        description="The same invoice in other formats from the same connection (its "
        "XML beside its PDF, or the reverse), attached to this one item",
    )


class Credentials(Frozen):
    """Unsealed portal login: only in a fetcher's memory, never stored or sent."""

    login: str
    password: SecretStr
    totp_secret: SecretStr | None = None


class PendingChallenge(Frozen):
    """A fetch waiting for a one-time code the portal sent, or for a person to pass
    a check in the live view (live_view set)."""

    challenge_id: str
    run_id: str
    medium: ChallengeMedium
    destination_hint: str | None = None
    expires_at: datetime
    live_view: LiveView | None = None


class InvitationStatus(StrEnum):
    PENDING = "pending"  # sent, link not used yet
    COMPLETED = "completed"  # the client connected the supplier
    REVOKED = "revoked"
    EXPIRED = "expired"  # shown, never stored: a pending one past its expiry


class Tenant(Frozen):
    """A business using Billhound; its API key is kept only as a sha256."""

    tenant_id: str
    name: str
    api_key_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    created_at: datetime
    dedupe_mode: DedupeMode = DedupeMode.AUTOMATIC
    locale: str = Field(
        default="en_GB", description="How its pages write dates and amounts"
    )


class Invitation(Frozen):
    """A client asked to enter a portal login; the link's token is kept hashed."""

    invitation_id: str
    tenant_id: str
    client_email: str
    client_name: str | None = None
    supplier_id: str
    portal_variant: str | None = None  # None: the client picks
    connector_kind: ConnectorKind
    document_owner: str
    notify_email: str | None = Field(
        default=None,
        description="The accountant, told when the client has connected and when "
        "the connection breaks; the client is told only what the client can fix",
    )
    collect_from: date
    schedule: FetchSchedule = FetchSchedule()
    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    status: InvitationStatus = InvitationStatus.PENDING
    created_at: datetime
    expires_at: datetime
    completed_at: datetime | None = None
    connection_id: str | None = None
    # The client's own page of the connection, linked from the mails the client gets:
    # its token kept hashed to look it up, and sealed for the worker to mail it.
    client_access_sha256: str | None = None
    client_access: SealedSecret | None = None

    def accountant(self) -> str | None:
        """Who sent it and hears of the connection (older records: the client)."""
        return self.notify_email if self.notify_email != self.client_email else None

    def status_at(self, now: datetime) -> InvitationStatus:
        if self.status is InvitationStatus.PENDING and now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return self.status
