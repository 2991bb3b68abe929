"""What an upstream service would publish, by hand: PyNaCl and JSON, no project code."""

import base64
import json
import uuid
from datetime import UTC, datetime

from nacl.public import PublicKey, SealedBox


def sealed(public_key_b64: str, key_id: str, login: str, password: str) -> dict:
    box = SealedBox(PublicKey(base64.b64decode(public_key_b64)))
    secret = json.dumps({"login": login, "password": password}).encode()
    return {
        "key_id": key_id,
        "ciphertext": base64.b64encode(box.encrypt(secret)).decode(),
    }


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
) -> bytes:
    event = envelope("connection-created", tenant, connection) | {
        "supplier_id": "northwind-energy",
        "portal_variant": "default",
        "connector_kind": "cost",
        "document_owner": f"owner-of-{tenant}",
        "notify_email": notify,
        "collect_from": collect_from,
        "schedule": {"interval_hours": 168},
        "credentials": sealed(
            keys.public_key_b64(), keys.current_key_id, login, password
        ),
        "some_future_field": "consumers ignore unknown fields",
    }
    return json.dumps(event).encode()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
