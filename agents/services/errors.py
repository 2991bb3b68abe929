"""What a use case answers when it cannot do what was asked: a machine-readable code
and a sentence for a person. Callers (the web, the CLI) choose how to show each kind."""

from typing import Self

from schemas.errors import OWNER, TITLE, ErrorCode, ErrorOwner


class ServiceError(Exception):
    def __init__(self, code: str, message: str, **extra) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra

    def about(self, what: str) -> Self:
        """The same error, saying which thing it was about ("Northwind Energy for
        Bistro Bob: …"), for a person with several of them."""
        message = f"{what}: {self.message}"
        again = type(self).__new__(type(self), message)  # no __init__: keep all
        again.__dict__.update(self.__dict__, message=message)
        return again


class Invalid(ServiceError):
    """A value in the command is not usable."""


class NotFound(ServiceError):
    """No such thing for this caller (another tenant's looks the same: no leak)."""

    def __init__(self, what: str, code: str = "not_found", message: str = "") -> None:
        super().__init__(code, message or f"no such {what}")


class Refused(ServiceError):
    """Well-formed, but the catalog cannot do it (no such supplier, variant, kind)."""


class Conflict(ServiceError):
    """Not in the state it is in now."""


class Gone(ServiceError):
    """A link that worked once and no longer does."""


class Unavailable(ServiceError):
    """A service we depend on is away: nothing was done, try again."""


class LoginRefused(ServiceError):
    """The portal refused the login at connect time, with what to do about it."""

    def __init__(
        self,
        code: ErrorCode,
        remedy: str,
        field: str | None = None,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(
            code.value,
            TITLE[code],
            title=TITLE[code],
            remedy=remedy,
            field=field,
            retry_after_seconds=retry_after_seconds,
        )
        self.owner: ErrorOwner = OWNER[code]
