"""Seal credentials with a public key (anyone); unseal with the private key (fetchers).

NaCl sealed boxes (X25519 + XSalsa20-Poly1305): the sender needs only the public key, so
the API, the CLI and upstream services can seal without ever holding a way to unseal.
"""

import base64
import hashlib
import json
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from adapters.vault.ports import UnsealError
from schemas.records import Credentials, SealedSecret

__all__ = ["KeyRing", "PublicKeySealer", "UnsealError", "seal", "seal_data"]


def key_id_of(public: PublicKey) -> str:
    return hashlib.sha256(bytes(public)).hexdigest()[:16]


def seal(public_key_b64: str, credentials: Credentials) -> SealedSecret:
    body = {
        "login": credentials.login,
        "password": credentials.password.get_secret_value(),
    }
    if credentials.totp_secret is not None:
        body["totp_secret"] = credentials.totp_secret.get_secret_value()
    return seal_data(public_key_b64, body)


def seal_data(public_key_b64: str, data: dict) -> SealedSecret:
    """Seal any JSON object: portal cookies, a one-time code."""
    public = PublicKey(base64.b64decode(public_key_b64))
    ciphertext = SealedBox(public).encrypt(json.dumps(data).encode())
    return SealedSecret(
        key_id=key_id_of(public), ciphertext=base64.b64encode(ciphertext).decode()
    )


class PublicKeySealer:
    """The Sealer port with the fetchers' public key: seals, cannot open."""

    def __init__(self, public_key_b64: str) -> None:
        self.public_key_b64 = public_key_b64

    def seal(self, credentials: Credentials) -> SealedSecret:
        return seal(self.public_key_b64, credentials)

    def seal_data(self, data: dict) -> SealedSecret:
        return seal_data(self.public_key_b64, data)


class KeyRing:
    """Private keys by key id; several at once while keys rotate."""

    def __init__(self, keys: list[PrivateKey]) -> None:
        self._keys = {key_id_of(k.public_key): k for k in keys}
        if not self._keys:
            raise ValueError("a key ring needs at least one private key")
        self._current = key_id_of(keys[-1].public_key)

    @classmethod
    def load(cls, directory: Path) -> "KeyRing":
        """Load every *.key file (base64 private key); the newest file is current."""
        files = sorted(directory.glob("*.key"), key=lambda p: p.stat().st_mtime)
        keys = [PrivateKey(base64.b64decode(p.read_text().strip())) for p in files]
        return cls(keys)

    @staticmethod
    def create(directory: Path) -> PrivateKey:
        """Make a new key pair in directory (mode 0600) and return it."""
        directory.mkdir(parents=True, exist_ok=True)
        key = PrivateKey.generate()
        path = directory / f"{key_id_of(key.public_key)}.key"
        path.touch(mode=0o600)
        path.write_text(base64.b64encode(bytes(key)).decode())
        return key

    @property
    def current_key_id(self) -> str:
        return self._current

    def public_key_b64(self, key_id: str | None = None) -> str:
        key = self._keys[key_id or self._current]
        return base64.b64encode(bytes(key.public_key)).decode()

    def unseal(self, secret: SealedSecret) -> Credentials:
        return Credentials.model_validate_json(self._open(secret))

    def unseal_data(self, secret: SealedSecret) -> dict:
        data = json.loads(self._open(secret))
        if not isinstance(data, dict):
            raise UnsealError("sealed data is not a JSON object")
        return data

    def seal_data(self, data: dict) -> SealedSecret:
        """Seal to our own current key (state only fetchers read back)."""
        return seal_data(self.public_key_b64(), data)

    def _open(self, secret: SealedSecret) -> bytes:
        key = self._keys.get(secret.key_id)
        if key is None:
            raise UnsealError(f"no private key for key id {secret.key_id}")
        try:
            return SealedBox(key).decrypt(base64.b64decode(secret.ciphertext))
        except (CryptoError, ValueError) as exc:
            raise UnsealError("sealed data is corrupt") from exc
