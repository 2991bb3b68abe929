"""Bodies of the HTTP API (/v1): what callers send and what they get back.

Requests forbid unknown fields, so a typo is an error rather than a silent default.
"""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from schemas.errors import ErrorCode
from schemas.records import (
    ChallengeMedium,
    ConnectionStatus,
    ConnectorKind,
    DedupeMode,
    DocumentFacts,
    DocumentMetadata,
    FileRef,
    InvitationStatus,
    Verdict,
)


class Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Response(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- requests -----------------------------------------------------------------------


class LoginIn(Request):
    """A portal login; sealed on arrival, never stored or logged in clear."""

    login: str = Field(min_length=1, max_length=320)
    # Not stripped: a stray space is reported by the check, not silently fixed.
    password: str = Field(min_length=1, max_length=1024)
    totp_secret: str | None = Field(
        default=None, max_length=256, description="Base32 secret of an app 2FA"
    )


class ConnectionIn(LoginIn):
    supplier_id: str = Field(min_length=1, max_length=100)
    portal_variant: str = Field(default="default", min_length=1, max_length=100)
    connector_kind: ConnectorKind
    document_owner: str = Field(min_length=1, max_length=200)
    notify_email: EmailStr
    collect_from: date
    schedule_hours: float = Field(
        default=168.0, ge=1, le=24 * 31, description="How often to re-check"
    )


class ChallengeAnswerIn(Request):
    challenge_id: str = Field(min_length=1, max_length=100)
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9 -]+$")


class InvitationIn(Request):
    client_email: EmailStr
    client_name: str | None = Field(default=None, max_length=200)
    supplier_id: str = Field(min_length=1, max_length=100)
    portal_variant: str | None = Field(
        default=None, max_length=100, description="None: the client picks"
    )
    connector_kind: ConnectorKind
    document_owner: str = Field(min_length=1, max_length=200)
    notify_email: EmailStr | None = Field(
        default=None,
        description="You, the accountant: told when the client has connected and "
        "when the connection breaks. The client is told only what the client can "
        "fix (a changed login, a code), with a link to a page of their own",
    )
    collect_from: date
    schedule_hours: float = Field(default=168.0, ge=1, le=24 * 31)


class SettingsIn(Request):
    dedupe_mode: DedupeMode | None = Field(
        default=None,
        description="automatic: drop exact duplicates, flag field matches; review: "
        "flag every duplicate; off: post everything",
    )
    locale: str | None = Field(
        default=None,
        pattern=r"^[a-z]{2,3}([_-][A-Za-z]{2,4})?$",
        description="How the pages write dates and amounts: en_GB, de_DE, fr_FR…",
    )


# --- responses ----------------------------------------------------------------------


class VariantOut(Response):
    id: str
    label: str
    region: str | None
    account_type: str


class SupplierOut(Response):
    id: str
    name: str
    aliases: list[str]
    connector_kinds: list[ConnectorKind]
    login_kind: str
    two_factor: list[str]
    variants: list[VariantOut]


class SupplierList(Response):
    suppliers: list[SupplierOut]


class ConnectionWarning(Response):
    code: ErrorCode
    title: str
    remedy: str


class ChallengeOut(Response):
    challenge_id: str
    medium: ChallengeMedium
    destination_hint: str | None
    expires_at: datetime
    live_view_url: str | None = Field(
        default=None,
        description="Set when a person must act on the portal's page (a captcha, an "
        "app approval): this server's page that shows it live, for the tenant's "
        "signed-in people; otherwise answer the code",
    )


class ConnectionOut(Response):
    connection_id: str
    supplier_id: str
    supplier_name: str
    portal_variant: str
    connector_kind: ConnectorKind
    document_owner: str
    notify_email: str
    collect_from: date
    schedule_hours: float
    status: ConnectionStatus
    state: str = Field(
        description="What the page shows: connected, fetching, waiting_for_code, "
        "waiting_for_person, "
        "stalled (a failure only operators can mend), disrupted, paused"
    )
    created_at: datetime
    last_fetch_at: datetime | None
    next_fetch_at: datetime | None
    documents_collected: int
    rejected_documents: int = Field(description="Fetched files that were not documents")
    last_rejection: str | None = Field(description="Why the last one was rejected")
    warning: ConnectionWarning | None = Field(description="Set while a person must act")
    challenge: ChallengeOut | None


class ConnectionList(Response):
    connections: list[ConnectionOut]


class Accepted(Response):
    connection_id: str
    status: str


class InboxItemOut(Response):
    item_id: str
    connection_id: str
    supplier_id: str
    owner: str
    kind: ConnectorKind
    supplier_document_id: str
    metadata: DocumentMetadata
    file: FileRef
    facts: DocumentFacts | None = Field(description="What the document says")
    verdict: Verdict
    duplicate_of: str | None = Field(description="The item it duplicates, if flagged")
    formats: list[FileRef] = Field(
        default=[], description="The same invoice in other formats (its XML, its PDF)"
    )
    download_url: str
    view_url: str | None = Field(
        default=None, description="An e-invoice as a page to read (HTML), if it is one"
    )
    format_urls: list[str] = Field(
        default=[], description="The item's other formats (`formats`), in that order"
    )


class InboxPage(Response):
    items: list[InboxItemOut]
    next_cursor: str | None = Field(description="Pass as `after` for the next page")


class InvitationOut(Response):
    invitation_id: str
    client_email: str
    client_name: str | None
    supplier_id: str
    portal_variant: str | None
    connector_kind: ConnectorKind
    document_owner: str
    notify_email: str | None = None
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime
    completed_at: datetime | None
    connection_id: str | None
    link: str | None = Field(
        default=None, description="Only in the answer to its creation"
    )


class InvitationList(Response):
    invitations: list[InvitationOut]


class SettingsOut(Response):
    tenant_id: str
    name: str
    dedupe_mode: DedupeMode
    locale: str


class FieldError(Response):
    field: str
    message: str


class ErrorDetail(Response):
    code: str = Field(description="Machine-readable: a taxonomy code or an API code")
    message: str
    title: str | None = None
    remedy: str | None = None
    field: str | None = None
    fields: list[FieldError] = []
    retry_after_seconds: int | None = None


class ErrorBody(Response):
    error: ErrorDetail
