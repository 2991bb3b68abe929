"""The protocol every supplier portal adapter implements, and its taxonomy errors."""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import date
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from schemas.errors import ErrorCode
from schemas.records import Credentials, DocumentMetadata


class DocumentRef(BaseModel):
    """A document as the portal lists it, enough to download it later."""

    model_config = ConfigDict(frozen=True)

    supplier_document_id: str
    metadata: DocumentMetadata
    download_url: str
    filename: str


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
    ) -> None:
        super().__init__(detail)
        if code is not None:
            self.code = code
        self.detail = detail
        self.retry_after = retry_after  # seconds, from Retry-After when the portal says
        self.field = field  # which input was wrong, when known


class InvalidCredentials(PortalError):
    code = ErrorCode.INVALID_CREDENTIALS


class PortalUnavailable(PortalError):
    code = ErrorCode.PORTAL_UNAVAILABLE


class RateLimited(PortalError):
    code = ErrorCode.RATE_LIMITED


class LayoutChanged(PortalError):
    code = ErrorCode.LAYOUT_CHANGED


class PortalSession(Protocol):
    """One logged-in conversation with a portal (woob's CapDocument, reduced)."""

    async def login(self, credentials: Credentials) -> None: ...

    def list_documents(self, since: date) -> AsyncIterator[DocumentRef]: ...

    async def download(self, ref: DocumentRef) -> bytes: ...


class PortalFactory(Protocol):
    """Opens sessions by catalog id; addresses come from the catalog, never a user."""

    def supplier_name(self, supplier_id: str) -> str: ...

    def open(
        self, supplier_id: str, variant: str
    ) -> AbstractAsyncContextManager[PortalSession]: ...
