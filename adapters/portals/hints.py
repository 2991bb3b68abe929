"""Remedies a person can follow: the taxonomy's text, sharpened by what we can tell
from the catalog and the login itself (never by trying the password again)."""

from adapters.portals.catalog import LoginKind, Supplier
from adapters.portals.protocol import LOGIN, PortalError
from schemas.errors import REMEDY, TITLE, ErrorCode
from schemas.records import Credentials


def login_word(supplier: Supplier) -> str:
    """What the supplier signs in with, in the words its own form uses."""
    return "email address" if supplier.login_kind is LoginKind.EMAIL else "username"


def credential_hints(supplier: Supplier, credentials: Credentials) -> list[str]:
    """Mistakes the login itself shows; nothing is guessed from a refusal alone."""
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
    return hints


def variant_hint(supplier: Supplier, variant: str) -> str:
    label = supplier.variants[variant].label
    return (
        f"This login works on the {label} portal of {supplier.name}: choose that "
        "portal variant instead."
    )


def known_elsewhere_hint(supplier: Supplier, variant: str, err: PortalError) -> str:
    label = supplier.variants[variant].label
    said = (
        "which refused the password too: choose that portal variant and check the "
        "password"
        if err.code is ErrorCode.INVALID_CREDENTIALS
        else f"which says: {TITLE[err.code].lower()}. Choose that portal variant"
    )
    return (
        f"This {login_word(supplier)} has an account on the {label} portal of "
        f"{supplier.name}, {said}."
    )


def checklist(supplier: Supplier, variant: str | None, err: PortalError) -> str:
    """What to check after a refused login, the likeliest first, in the supplier's
    own words (email address or username, its variants, its case rules)."""
    word = login_word(supplier)
    case = (
        f", with the same capital letters (usernames at {supplier.name} are case "
        "sensitive)"
        if supplier.login_case_sensitive and word == "username"
        else ""
    )
    others = [v.label for name, v in supplier.variants.items() if name != variant]
    portal = (
        f"that this is the right {supplier.name} portal (you chose "
        f"{supplier.variants[variant].label}; there is also {_either(others)})"
        if variant in supplier.variants and others
        else ""
    )
    if err.field == LOGIN:
        head = f"{supplier.name} knows no account with this {word}."
        steps = [f"the {word}, letter by letter{case}", portal]
    else:
        head = f"{supplier.name} did not accept this {word} and password."
        steps = [
            "the password (sign in at the portal yourself to be sure of it)",
            f"the {word}{case}",
            portal,
        ]
    steps = [s for s in steps if s]
    return f"{head} Check {_numbered(steps)}."


def changed_password_remedy(supplier: Supplier) -> str:
    return (
        f"{supplier.name} no longer accepts the saved password, which worked "
        "before: it was most likely changed at the portal. Enter the current "
        "password (sign in at the portal yourself to be sure of it)."
    )


def remedy(
    supplier: Supplier,
    err: PortalError,
    credentials: Credentials | None,
    extra: list[str] | None = None,
    *,
    variant: str | None = None,
    worked_before: bool = False,
) -> str:
    """What to tell the person for this error, as specific as we can be."""
    if err.code is ErrorCode.INVALID_CREDENTIALS:
        if worked_before:
            return changed_password_remedy(supplier)
        hints = (extra or []) + (
            credential_hints(supplier, credentials) if credentials else []
        )
        return " ".join(hints + [checklist(supplier, variant, err)])
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


def _either(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def _numbered(steps: list[str]) -> str:
    if len(steps) == 1:
        return steps[0]
    return ", ".join(f"({i}) {s}" for i, s in enumerate(steps, 1))
