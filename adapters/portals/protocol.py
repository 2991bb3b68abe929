"""The protocol every supplier portal adapter implements, and its taxonomy errors.

An engine (declarative HTML, JSON API) or a hand-written adapter is a `PortalSession`:
login, list_documents(since), download(ref), plus the 2-factor and session-keeping
steps. Failures are `PortalError` subclasses, one per taxonomy code, with structured
fields (which input was wrong, when to try again, what the portal asks for); none of
them ever holds a secret.
"""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from schemas.errors import ErrorCode
from schemas.records import (
    ChallengeMedium,
    ConnectorKind,
    Credentials,
    DocumentMetadata,
)


class DocumentRef(BaseModel):
    """A document as the portal lists it, enough to download it later."""

    model_config = ConfigDict(frozen=True)

    supplier_document_id: str
    metadata: DocumentMetadata
    download_url: str
    filename: str


class UnknownSupplier(LookupError):
    """The catalog has no such supplier or portal variant."""


class PortalError(Exception):
    """A failure in the taxonomy's terms; structured fields that never hold secrets."""

    code: ErrorCode = ErrorCode.INTERNAL_ERROR

    def __init__(
        self,
        detail: str,
        *,
        code: ErrorCode | None = None,
        retry_after: float | None = None,
        field: str | None = None,
        action_url: str | None = None,
    ) -> None:
        super().__init__(detail)
        if code is not None:
            self.code = code
        self.detail = detail
        self.retry_after = retry_after  # seconds, from Retry-After when the portal says
        self.field = field  # which input was wrong ("login", "password"), when known
        self.action_url = action_url  # where the user must act, for action_needed


# `field` of an InvalidCredentials whose portal said no account has this login (it
# refused no password, so the login may be tried where the account may be).
LOGIN = "login"


class InvalidCredentials(PortalError):
    code = ErrorCode.INVALID_CREDENTIALS


class SsoAccount(PortalError):
    code = ErrorCode.SSO_ACCOUNT


class TwoFactorRequired(PortalError):
    """2-factor is on and we have no way to answer (no TOTP secret stored)."""

    code = ErrorCode.TWO_FACTOR_REQUIRED


class ChallengeExpired(PortalError):
    code = ErrorCode.CHALLENGE_EXPIRED


class WrongChallengeCode(PortalError):
    code = ErrorCode.WRONG_CHALLENGE_CODE


class ActionNeeded(PortalError):
    code = ErrorCode.ACTION_NEEDED


class AccountLocked(PortalError):
    code = ErrorCode.ACCOUNT_LOCKED


class PortalUnavailable(PortalError):
    code = ErrorCode.PORTAL_UNAVAILABLE


class RateLimited(PortalError):
    code = ErrorCode.RATE_LIMITED


class LayoutChanged(PortalError):
    code = ErrorCode.LAYOUT_CHANGED


class CredentialsUnreadable(PortalError):
    """The stored login cannot be unsealed: no portal is contacted."""

    code = ErrorCode.CREDENTIALS_UNREADABLE


class SupplierUnknown(PortalError):
    """The connection's supplier or variant is not in this deployment's catalog."""

    code = ErrorCode.SUPPLIER_UNKNOWN


ERROR_BY_CODE: dict[ErrorCode, type[PortalError]] = {
    cls.code: cls
    for cls in (
        InvalidCredentials,
        SsoAccount,
        TwoFactorRequired,
        ChallengeExpired,
        WrongChallengeCode,
        ActionNeeded,
        AccountLocked,
        PortalUnavailable,
        RateLimited,
        LayoutChanged,
        PortalError,
    )
}


class CodeSent(Exception):
    """Not a failure: the portal sent a one-time code and waits for it. The session's
    state (cookies, tickets) must be kept to answer it later."""

    def __init__(
        self, medium: ChallengeMedium, destination_hint: str | None, ttl_seconds: float
    ) -> None:
        super().__init__(f"portal sent a code by {medium}")
        self.medium = medium
        self.destination_hint = destination_hint
        self.ttl_seconds = ttl_seconds


class PersonNeeded(Exception):
    """Not a failure: the portal shows a step only a person can take (a captcha, an
    approval in its app). The session keeps the portal's page open; the run shows it
    to the person live and waits (wait_for_person) while they act."""

    def __init__(self, medium: ChallengeMedium, ttl_seconds: float) -> None:
        super().__init__(f"portal needs a person: {medium}")
        self.medium, self.ttl_seconds = medium, ttl_seconds


class PortalSession(Protocol):
    """One conversation with a portal (woob's CapDocument, reduced)."""

    async def login(self, credentials: Credentials) -> None:
        """Sign in; answers a TOTP prompt itself when credentials hold the secret.
        Raises CodeSent when the portal sent a code to a person."""

    async def answer_challenge(self, code: str) -> None:
        """Finish a login that raised CodeSent (same or restored state)."""

    async def resume(self) -> bool:
        """After restore_state: True if the kept session is still signed in."""

    def list_documents(self, since: date) -> AsyncIterator[DocumentRef]: ...

    async def download(self, ref: DocumentRef) -> bytes: ...

    def export_state(self) -> dict[str, Any]:
        """Cookies and tokens worth keeping (sealed by the caller)."""

    def restore_state(self, state: dict[str, Any]) -> None: ...


class PersonSession(PortalSession, Protocol):
    """A session that can raise PersonNeeded (the browser engine): its page, live,
    and the wait for the person to get through."""

    page: Any

    async def wait_for_person(self, seconds: float) -> None:
        """Until the portal shows the person signed in (then the run goes on), a
        refusal (raised), or ChallengeExpired when `seconds` pass."""


class NotOffered(LookupError):
    """The catalog cannot connect this: no such supplier, variant or kind."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code, self.field = code, field


class SupplierDirectory(Protocol):
    """What the catalog says of a supplier; opens nothing."""

    def supplier_name(self, supplier_id: str) -> str: ...

    def offering(
        self, supplier_id: str, variant: str | None, kind: ConnectorKind
    ) -> str:
        """The supplier's name if it has this variant (None: any) and this kind of
        connection; NotOffered says which of the three it lacks."""

    def session_limit(self, supplier_id: str) -> int:
        """Sessions of this supplier that may be open at once."""

    def parallel_downloads(self, supplier_id: str) -> int:
        """Downloads one run of this supplier may have in flight at once."""

    def remedy(
        self,
        supplier_id: str,
        err: PortalError,
        credentials: Credentials | None,
        *,
        variant: str | None = None,
        worked_before: bool = False,
    ) -> str:
        """What the person should do, naming the likely mistake where it can; for a
        login that worked before, the likely change at the portal."""


class CheckedChallenge(BaseModel):
    medium: ChallengeMedium
    destination_hint: str | None


class CheckResult(BaseModel):
    """A connect-time check: the login works, or the taxonomy error and its remedy."""

    ok: bool
    supplier_id: str
    variant: str
    code: ErrorCode | None = None
    title: str | None = None
    remedy: str | None = None
    field: str | None = None
    documents_seen: int = 0
    newest_document: date | None = None
    challenge: CheckedChallenge | None = None  # login right; the portal sends codes


class LoginCheck(Protocol):
    """Signs in once, with the person still there, before a login is kept."""

    async def check(
        self, supplier_id: str, variant: str, credentials: Credentials
    ) -> CheckResult: ...


class PortalOpener(Protocol):
    """Opens sessions by catalog id; addresses come from the catalog, never a user."""

    def open(
        self, supplier_id: str, variant: str
    ) -> AbstractAsyncContextManager[PortalSession]: ...


async def signed_in(
    portal: PortalSession, credentials: Credentials, kept: dict[str, Any] | None
) -> None:
    """Need a login only when the kept session cannot be resumed (woob's need_login):
    kept cookies are a live session, or at least a device the portal trusts."""
    if kept is not None:
        portal.restore_state(kept)
        if await portal.resume():
            return
    await portal.login(credentials)
