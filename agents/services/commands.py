"""The commands the use cases take: plain values, no HTTP, no form, no event."""

from dataclasses import dataclass
from datetime import date

from schemas.records import ConnectorKind, DedupeMode


@dataclass(frozen=True)
class Login:
    """What a person types to sign in at a portal (never logged, sealed at once)."""

    login: str
    password: str
    totp_secret: str | None = None

    def __repr__(self) -> str:  # a command may be logged; its password never
        return f"Login(login={self.login!r}, password='**********')"


@dataclass(frozen=True)
class Connect:
    """Connect a supplier portal for a tenant; the login is checked first."""

    tenant_id: str
    supplier_id: str
    portal_variant: str
    connector_kind: ConnectorKind
    document_owner: str
    notify_email: str
    collect_from: date
    schedule_hours: int
    login: Login


@dataclass(frozen=True)
class Reconnect:
    tenant_id: str
    connection_id: str
    login: Login


@dataclass(frozen=True)
class AnswerCode:
    """The one-time code the portal sent, for the challenge it belongs to."""

    tenant_id: str
    connection_id: str
    challenge_id: str
    code: str

    def __repr__(self) -> str:
        return f"AnswerCode(connection_id={self.connection_id!r}, code='******')"


@dataclass(frozen=True)
class Invite:
    """Ask a client by mail to connect a supplier with their own login."""

    tenant_id: str
    client_email: str
    client_name: str | None
    supplier_id: str
    portal_variant: str | None
    connector_kind: ConnectorKind
    document_owner: str
    notify_email: str | None
    collect_from: date
    schedule_hours: int


@dataclass(frozen=True)
class AcceptInvitation:
    token: str
    portal_variant: str | None
    login: Login


@dataclass(frozen=True)
class ChangeSettings:
    tenant_id: str
    locale: str | None = None
    dedupe_mode: DedupeMode | None = None
