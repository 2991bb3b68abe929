"""Remedies a person can follow: the taxonomy's text, sharpened by what we can tell
from the catalog and the login itself (never by trying the password again)."""

from adapters.portals.catalog import LoginKind, Supplier
from adapters.portals.protocol import PortalError
from schemas.errors import REMEDY, ErrorCode
from schemas.records import Credentials


def credential_hints(supplier: Supplier, credentials: Credentials) -> list[str]:
    """Likely mistakes in a refused login, from its shape alone."""
    login, password = credentials.login, credentials.password.get_secret_value()
    hints = []
    if login != login.strip():
        hints.append("The login has a space before or after it: remove it.")
    if password != password.strip():
        hints.append(
            "The password has a space before or after it: portals almost never "
            "allow that, so check for a stray space from copying and pasting."
        )
    if supplier.login_kind is LoginKind.EMAIL and "@" not in login:
        hints.append(
            f"{supplier.name} signs in with an email address, not a username: use "
            "the email address of the account."
        )
    if supplier.login_kind is LoginKind.USERNAME and "@" in login:
        hints.append(
            f"{supplier.name} signs in with a username, not an email address: use "
            "the username shown in your account settings at the portal."
        )
    if supplier.login_case_sensitive and login.strip().lower() != login.strip().upper():
        hints.append(
            f"Usernames at {supplier.name} are case sensitive: check capital letters."
        )
    return hints


def variant_hint(supplier: Supplier, variant: str) -> str:
    label = supplier.variants[variant].label
    return (
        f"This login works on the {label} portal of {supplier.name}: choose that "
        "portal variant instead."
    )


def remedy(
    supplier: Supplier,
    err: PortalError,
    credentials: Credentials | None,
    extra: list[str] | None = None,
) -> str:
    """What to tell the person for this error, as specific as we can be."""
    if err.code is ErrorCode.INVALID_CREDENTIALS and credentials is not None:
        hints = (extra or []) + credential_hints(supplier, credentials)
        if hints:
            return " ".join(hints) + " Then update the login."
    if err.code is ErrorCode.ACTION_NEEDED and err.action_url:
        return f"{REMEDY[err.code]} The portal points to: {err.action_url}"
    if err.code is ErrorCode.TWO_FACTOR_REQUIRED and err.field == "totp_secret":
        return (
            f"{supplier.name} asks for a code from an authenticator app. Add the "
            "authenticator secret (the text under the QR code when you set 2-factor "
            "up) to the connection; if you gave one, it no longer matches: set it "
            "up again."
        )
    return REMEDY[err.code]
