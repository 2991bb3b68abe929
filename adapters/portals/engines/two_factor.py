"""The 2-factor steps both engines take alike: answer an authenticator prompt with the
stored secret, or report that a code went to a person."""

from collections.abc import Awaitable, Callable

import pyotp

from adapters.portals.protocol import (
    CodeSent,
    TwoFactorRequired,
    WrongChallengeCode,
)
from schemas.records import ChallengeMedium, Credentials
from schemas.totp import normalise_totp_secret


async def answer_totp(
    credentials: Credentials, answer: Callable[[str], Awaitable[None]]
) -> None:
    """Send the current authenticator code; no secret, or a refused code, is the
    user's to fix (two_factor_required), never a reason to try again."""
    if credentials.totp_secret is None:
        raise TwoFactorRequired(
            "the portal asks for an authenticator code", field="totp_secret"
        )
    try:
        secret = normalise_totp_secret(credentials.totp_secret.get_secret_value())
    except ValueError as exc:  # sealed by a publisher that did not normalise it
        raise TwoFactorRequired(str(exc), field="totp_secret") from None
    try:
        await answer(pyotp.TOTP(secret).now())
    except WrongChallengeCode as exc:
        raise TwoFactorRequired(
            "the stored authenticator secret makes codes the portal refuses",
            field="totp_secret",
        ) from exc


def code_sent(medium: str, destination: str | None, ttl: float) -> CodeSent:
    try:
        known = ChallengeMedium(medium)
    except ValueError:
        known = ChallengeMedium.APP  # a push or code in the supplier's own app
    return CodeSent(known, destination, ttl)
