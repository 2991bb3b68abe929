"""Authenticator secrets as people copy them: spaces, dashes, lower case, padding."""

import base64
import binascii


def normalise_totp_secret(text: str) -> str:
    """The base32 secret in canonical form ("KRSX G5CT-mvrx" -> "KRSXG5CTMVRX"), or a
    ValueError that says what is wrong with it (never echoing the secret)."""
    secret = "".join(text.split()).replace("-", "").rstrip("=").upper()
    if not secret:
        raise ValueError("the authenticator secret is empty")
    try:
        base64.b32decode(secret + "=" * (-len(secret) % 8))
    except (binascii.Error, ValueError):
        raise ValueError(
            "the authenticator secret is not valid: it is the text of letters A to Z "
            "and digits 2 to 7 shown under the QR code when 2-factor is set up"
        ) from None
    return secret
