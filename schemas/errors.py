"""The closed error taxonomy: codes, whose move it is, retry policy, remedies."""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    SSO_ACCOUNT = "sso_account"
    TWO_FACTOR_REQUIRED = "two_factor_required"
    CHALLENGE_EXPIRED = "challenge_expired"
    WRONG_CHALLENGE_CODE = "wrong_challenge_code"
    ACTION_NEEDED = "action_needed"
    ACCOUNT_LOCKED = "account_locked"
    PORTAL_UNAVAILABLE = "portal_unavailable"
    RATE_LIMITED = "rate_limited"
    LAYOUT_CHANGED = "layout_changed"
    INTERNAL_ERROR = "internal_error"
    # No retry mends these: the run ends at once and says so.
    CREDENTIALS_UNREADABLE = "credentials_unreadable"  # sealed to a key we do not hold
    SUPPLIER_UNKNOWN = "supplier_unknown"  # not in this deployment's catalog


class ErrorOwner(StrEnum):
    USER = "user"  # waits for the user; never retried (retrying locks real accounts)
    NOBODY = "nobody"  # transient: back off and retry
    OPERATORS = "operators"  # ours to fix


OWNER: dict[ErrorCode, ErrorOwner] = {
    ErrorCode.INVALID_CREDENTIALS: ErrorOwner.USER,
    ErrorCode.SSO_ACCOUNT: ErrorOwner.USER,
    ErrorCode.TWO_FACTOR_REQUIRED: ErrorOwner.USER,
    ErrorCode.CHALLENGE_EXPIRED: ErrorOwner.USER,
    ErrorCode.WRONG_CHALLENGE_CODE: ErrorOwner.USER,
    ErrorCode.ACTION_NEEDED: ErrorOwner.USER,
    ErrorCode.ACCOUNT_LOCKED: ErrorOwner.USER,
    ErrorCode.PORTAL_UNAVAILABLE: ErrorOwner.NOBODY,
    ErrorCode.RATE_LIMITED: ErrorOwner.NOBODY,
    ErrorCode.LAYOUT_CHANGED: ErrorOwner.OPERATORS,
    ErrorCode.INTERNAL_ERROR: ErrorOwner.OPERATORS,
    # The person can mend it at once by entering the login again; operators are told
    # as well, since a key missing on the fetchers affects every such connection.
    ErrorCode.CREDENTIALS_UNREADABLE: ErrorOwner.USER,
    ErrorCode.SUPPLIER_UNKNOWN: ErrorOwner.OPERATORS,
}

# Operator-class failures that retrying cannot mend: the run gives up at once.
NOT_RETRIED = frozenset({ErrorCode.LAYOUT_CHANGED, ErrorCode.SUPPLIER_UNKNOWN})

TITLE: dict[ErrorCode, str] = {
    ErrorCode.INVALID_CREDENTIALS: "The supplier portal did not accept the login",
    ErrorCode.SSO_ACCOUNT: "The account signs in through single sign-on (SSO)",
    ErrorCode.TWO_FACTOR_REQUIRED: "The portal asks for a 2-factor code",
    ErrorCode.CHALLENGE_EXPIRED: "The 2-factor code request expired",
    ErrorCode.WRONG_CHALLENGE_CODE: "The 2-factor code was not accepted",
    ErrorCode.ACTION_NEEDED: "The portal asks you to do something first",
    ErrorCode.ACCOUNT_LOCKED: "The portal account is locked",
    ErrorCode.PORTAL_UNAVAILABLE: "The supplier portal is unavailable",
    ErrorCode.RATE_LIMITED: "The supplier portal asked us to slow down",
    ErrorCode.LAYOUT_CHANGED: "The supplier portal changed",
    ErrorCode.INTERNAL_ERROR: "Something went wrong on our side",
    ErrorCode.CREDENTIALS_UNREADABLE: "We cannot read the login saved for this "
    "connection",
    ErrorCode.SUPPLIER_UNKNOWN: "This supplier is not available on this service",
}

REMEDY: dict[ErrorCode, str] = {
    ErrorCode.INVALID_CREDENTIALS: (
        "Check that you chose the right portal variant (region, e.g. amazon.co.uk "
        "versus amazon.de; personal versus business account), that you used the "
        "username or the email address the portal expects, the letter case, and that "
        "there are no spaces before or after the password."
    ),
    ErrorCode.SSO_ACCOUNT: (
        "This account signs in through single sign-on. Set a password login at the "
        "portal, or use the supplier's SSO connection instead."
    ),
    ErrorCode.TWO_FACTOR_REQUIRED: (
        "2-factor authentication is on: add the authenticator secret to the "
        "connection, or answer the code when we ask for it."
    ),
    ErrorCode.CHALLENGE_EXPIRED: "The code request expired: start a new fetch and "
    "answer the code when it arrives.",
    ErrorCode.WRONG_CHALLENGE_CODE: "The code was wrong: start a new fetch and enter "
    "the newest code.",
    ErrorCode.ACTION_NEEDED: "Sign in at the portal and do what it asks (accept new "
    "terms, change an expired password), then reconnect.",
    ErrorCode.ACCOUNT_LOCKED: "Unlock the account at the supplier's portal, then "
    "reconnect.",
    ErrorCode.PORTAL_UNAVAILABLE: "Nothing to do: we retry automatically.",
    ErrorCode.RATE_LIMITED: "Nothing to do: we retry automatically.",
    ErrorCode.LAYOUT_CHANGED: "Nothing to do: our team has been alerted.",
    ErrorCode.INTERNAL_ERROR: "Nothing to do: our team has been alerted.",
    ErrorCode.CREDENTIALS_UNREADABLE: (
        "Enter the portal login again (Reconnect): the saved one was locked with a "
        "key this service no longer holds. Our team has been told."
    ),
    ErrorCode.SUPPLIER_UNKNOWN: (
        "Nothing to do: nothing is fetched from this supplier until our team, who "
        "have been told, make it available again. Documents already collected stay "
        "in the inbox."
    ),
}


def is_user_error(code: ErrorCode) -> bool:
    return OWNER[code] is ErrorOwner.USER
