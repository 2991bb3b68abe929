"""ApiError: a 4xx/5xx with a machine-readable code, shared by the API and the pages;
the one place where the use cases' errors become HTTP statuses."""

from pydantic import ValidationError

from agents.services import errors as service
from schemas.api import ErrorBody, ErrorDetail, FieldError
from schemas.errors import ErrorCode, ErrorOwner


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
    wait = int(retry_after) if retry_after else None
    return as_api_error(service.LoginRefused(code, remedy, field, wait))


STATUS = {  # the use cases' errors, as HTTP says them
    service.Invalid: 400,
    service.NotFound: 404,
    service.Conflict: 409,
    service.Gone: 410,
    service.Refused: 422,
    service.Unavailable: 503,
}
LOGIN_STATUS = {ErrorOwner.USER: 422, ErrorOwner.NOBODY: 503}  # else ours: 502
FAILURES = (ApiError, service.ServiceError)


def as_api_error(err: Exception) -> ApiError:
    """An ApiError for an ApiError or a use case's error."""
    if isinstance(err, ApiError):
        return err
    if isinstance(err, service.LoginRefused):
        status = LOGIN_STATUS.get(err.owner, 502)
    else:
        status = next(s for kind, s in STATUS.items() if isinstance(err, kind))
    extra = {k: v for k, v in err.extra.items() if v is not None}
    return ApiError(status, err.code, err.message, **extra)
