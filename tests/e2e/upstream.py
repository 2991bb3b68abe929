"""What an upstream service would publish, by hand: PyNaCl and JSON, no project code."""

import base64
import json
import uuid
from datetime import UTC, datetime

from nacl.public import PublicKey, SealedBox


def sealed_json(public_key_b64: str, key_id: str, data: dict) -> dict:
    box = SealedBox(PublicKey(base64.b64decode(public_key_b64)))
    ciphertext = box.encrypt(json.dumps(data).encode())
    return {"key_id": key_id, "ciphertext": base64.b64encode(ciphertext).decode()}


def sealed(
    public_key_b64: str,
    key_id: str,
    login: str,
    password: str,
    totp_secret: str | None = None,
) -> dict:
    secret = {"login": login, "password": password}
    if totp_secret:
        secret["totp_secret"] = totp_secret
    return sealed_json(public_key_b64, key_id, secret)


def envelope(kind: str, tenant: str, connection: str) -> dict:
    return {
        "event_id": uuid.uuid4().hex,
        "type": kind,
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "tenant_id": tenant,
        "connection_id": connection,
        "correlation_id": uuid.uuid4().hex,
        "causation_id": None,
    }


def connection_created(
    keys,
    *,
    tenant: str,
    connection: str,
    login: str,
    password: str,
    collect_from: str = "2025-01-01",
    notify: str = "books@example.com",
    supplier: str = "northwind-energy",
    variant: str = "default",
    kind: str = "cost",
    totp_secret: str | None = None,
    interval_hours: float = 168,
) -> bytes:
    event = envelope("connection-created", tenant, connection) | {
        "supplier_id": supplier,
        "portal_variant": variant,
        "connector_kind": kind,
        "document_owner": f"owner-of-{tenant}",
        "notify_email": notify,
        "collect_from": collect_from,
        "schedule": {"interval_hours": interval_hours},
        "credentials": sealed(
            keys.public_key_b64(), keys.current_key_id, login, password, totp_secret
        ),
        "some_future_field": "consumers ignore unknown fields",
    }
    return json.dumps(event).encode()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def challenge_answered(
    keys, *, tenant: str, connection: str, challenge: str, code: str
):
    event = envelope("challenge-answered", tenant, connection) | {
        "challenge_id": challenge,
        "code": sealed_json(keys.public_key_b64(), keys.current_key_id, {"code": code}),
    }
    return json.dumps(event).encode()
