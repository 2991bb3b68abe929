"""API keys, page sessions and link tokens: random, shown once, kept as sha256."""

import hashlib
import secrets

API_KEY_PREFIX = "bh_"


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def sha256_hex(secret: str) -> str:
    # Plain sha256 suffices: these are 256-bit random tokens, not passwords.
    # surrogatepass: a key or token with bytes that are not UTF-8 (aiohttp keeps them
    # as surrogates) hashes to something no key matches, instead of raising.
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
