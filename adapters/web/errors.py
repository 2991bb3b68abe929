"""ApiError: a 4xx/5xx with a machine-readable code, shared by the API and the pages."""

from pydantic import ValidationError

from schemas.api import ErrorBody, ErrorDetail, FieldError
from schemas.errors import OWNER, TITLE, ErrorCode, ErrorOwner


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra) -> None:
        super().__init__(message)
        self.status = status
        self.detail = ErrorDetail(code=code, message=message, **extra)

    def about(self, what: str) -> "ApiError":
        """The same error, saying which thing it was about ("Northwind Energy for
        Bistro Bob: …"), for a person with several of them."""
        extra = self.detail.model_dump(exclude={"code", "message"})
        return ApiError(
            self.status, self.detail.code, f"{what}: {self.detail.message}", **extra
        )

    def body(self) -> ErrorBody:
        return ErrorBody(error=self.detail)


def not_found(what: str) -> ApiError:
    # Another tenant's object and a missing one look the same: nothing leaks.
    return ApiError(404, "not_found", f"no such {what}")


def invalid(exc: ValidationError, prefix: str = "") -> ApiError:
    fields = [
        FieldError(
            field=prefix + (".".join(str(p) for p in err["loc"]) or "body"),
            message=err["msg"],
        )
        for err in exc.errors(include_url=False)[:20]
    ]
    summary = "; ".join(f"{f.field}: {f.message}" for f in fields[:3])
    return ApiError(
        400, "invalid_request", f"invalid request: {summary}", fields=fields
    )


def check_failed(
    code: ErrorCode, remedy: str, field: str | None, retry_after: float | None
) -> ApiError:
    """The portal refused at connect time: 422 for the user's mistakes, 503 when the
    portal is down or busy (try later), 502 when the portal changed (ours to fix)."""
    status = {ErrorOwner.USER: 422, ErrorOwner.NOBODY: 503}.get(OWNER[code], 502)
    return ApiError(
        status,
        code.value,
        TITLE[code],
        title=TITLE[code],
        remedy=remedy,
        field=field,
        retry_after_seconds=int(retry_after) if retry_after else None,
    )
