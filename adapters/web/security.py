"""Page forms: a token bound to the page session, compared in constant time (keys and
tokens themselves are made and hashed in schemas/tokens.py)."""

import hashlib
import hmac

from schemas.tokens import new_token, sha256_hex

__all__ = ["csrf_token", "new_token", "same", "sha256_hex"]


def csrf_token(session_token: str) -> str:
    """Bound to the session, so a form from another site cannot be replayed."""
    return hashlib.sha256(b"csrf:" + session_token.encode()).hexdigest()[:32]


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
