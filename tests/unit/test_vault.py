"""Sealing: anyone seals with the public key, only the key ring unseals; keys rotate."""

import os
import time

import pytest

from adapters.vault.sealing import KeyRing, UnsealError, seal
from schemas.records import Credentials, SealedSecret


def test_seal_and_unseal(tmp_path):
    KeyRing.create(tmp_path)
    ring = KeyRing.load(tmp_path)
    # Long enough that random base64 never holds it by chance ("pw" did, 1 run in 40).
    secret = " correct-horse-battery-staple "
    sealed = seal(ring.public_key_b64(), Credentials(login="me", password=secret))
    assert sealed.key_id == ring.current_key_id
    assert secret.strip() not in sealed.ciphertext
    assert sealed.ciphertext not in repr(sealed) + str(sealed)
    back = ring.unseal(sealed)
    assert back.login == "me" and back.password.get_secret_value() == secret
    assert secret.strip() not in repr(back) and secret.strip() not in str(back)


def test_rotation_keeps_old_secrets_readable(tmp_path):
    KeyRing.create(tmp_path)
    old = KeyRing.load(tmp_path)
    sealed_old = seal(old.public_key_b64(), Credentials(login="a", password="1"))
    KeyRing.create(tmp_path)
    for path in tmp_path.glob("*.key"):  # make the new key the newest beyond doubt
        if path.stem != old.current_key_id:
            os.utime(path, (time.time() + 5, time.time() + 5))
    ring = KeyRing.load(tmp_path)
    assert ring.current_key_id != old.current_key_id
    assert ring.unseal(sealed_old).login == "a"


def test_unknown_key_and_corrupt_ciphertext_are_refused(tmp_path):
    KeyRing.create(tmp_path)
    ring = KeyRing.load(tmp_path)
    with pytest.raises(UnsealError, match="no private key"):
        ring.unseal(SealedSecret(key_id="nope", ciphertext="AAAA"))
    with pytest.raises(UnsealError, match="corrupt"):
        ring.unseal(SealedSecret(key_id=ring.current_key_id, ciphertext="AAAA"))


def test_private_key_files_are_private(tmp_path):
    KeyRing.create(tmp_path)
    (key,) = tmp_path.glob("*.key")
    assert key.stat().st_mode & 0o077 == 0
