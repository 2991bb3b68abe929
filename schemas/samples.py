"""One complete, valid sample event per topic, for docs/events.md (`make docs`) and
the integrators who read it; a test parses each and keeps the page current."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from schemas.envelope import Event
from schemas.topics import EVENT_TYPES

AT = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
IDS = {
    "tenant_id": "01JNPZ0TENANT00000000000000",
    "connection_id": "01JNPZ0CONNECTION0000000000",
    "correlation_id": "01JNPZ0RUN000000000000000000",
    "causation_id": "01JNPZ0CAUSE0000000000000000",
}
SEALED = {
    "key_id": "k-3f9a1c",
    "algorithm": "x25519-xsalsa20-poly1305-sealedbox",
    "ciphertext": "Zm9yIGZldGNoZXJzIG9ubHk…",
}
FILE = {
    "sha256": "9f2b5c0d6e4a8b1c3d5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c",
    "size": 48213,
    "content_type": "application/pdf",
    "filename": "NE-202502-0417.pdf",
}
METADATA = {
    "number": "NE-202502-0417",
    "kind": "invoice",
    "issued_on": date(2025, 2, 5),
    "total": Decimal("184.20"),
    "currency": "GBP",
}
FACTS = {
    "supplier": {"value": "Northwind Energy", "confidence": 0.9},
    "number": {"value": "NE-202502-0417", "confidence": 0.95},
    "issue_date": {"value": "2025-02-05", "confidence": 0.9},
    "total": {"value": "184.20", "confidence": 0.95},
    "currency": {"value": "GBP", "confidence": 0.9},
}
DOC = {
    "supplier_id": "northwind-energy",
    "supplier_document_id": "inv-202502-0417",
}
FIELDS: dict[str, dict] = {
    "connection-created": {
        "supplier_id": "northwind-energy",
        "portal_variant": "default",
        "connector_kind": "cost",
        "document_owner": "Bistro Bob",
        "notify_email": "books@bistro-bob.example",
        "collect_from": date(2025, 1, 1),
        "schedule": {"interval_hours": 168},
        "credentials": SEALED,
    },
    "fetch-due": {"reason": "initial", "since": date(2025, 1, 1), "attempt": 1},
    "fetch-requested": {"reason": "manual"},
    "document-found": DOC | {"metadata": METADATA, "file": FILE},
    "document-accepted": DOC
    | {
        "document_id": "doc_4862619b5bca9068b34c64a0d5611fa2",
        "verdict": "new",
        "duplicate_of": None,
        "metadata": METADATA,
        "file": FILE,
        "facts": FACTS,
    },
    "document-rejected": DOC
    | {
        "file": FILE | {"filename": "statement.html", "content_type": "text/html"},
        "reason": "not_a_document",
        "detail": "an HTML page (a sign-in page?), not a PDF or an image",
    },
    "inbox-posted": {
        "item": {
            "item_id": "item_4862619b5bca9068b34c64a0d5611fa2",
            "document_id": "doc_4862619b5bca9068b34c64a0d5611fa2",
            "connection_id": IDS["connection_id"],
            "owner": "Bistro Bob",
            "kind": "cost",
            "supplier_id": "northwind-energy",
            "supplier_document_id": "inv-202502-0417",
            "metadata": METADATA,
            "file": FILE,
            "facts": FACTS,
            "verdict": "new",
            "duplicate_of": None,
        }
    },
    "auth-failed": {
        "disruption_id": "01JNPZ0DISRUPTION00000000000",
        "supplier_id": "northwind-energy",
        "supplier_name": "Northwind Energy",
        "error_code": "invalid_credentials",
        "title": "The supplier portal did not accept the login",
        "remedy": "Northwind Energy no longer accepts the saved password, which "
        "worked before: it was most likely changed at the portal. Enter the current "
        "password (sign in at the portal yourself to be sure of it).",
    },
    "connection-status-changed": {
        "old_status": "connected",
        "new_status": "disrupted",
        "reason": "portal said: The username or password is incorrect.",
        "error_code": "invalid_credentials",
    },
    "challenge-required": {
        "challenge_id": "01JNPZ0CHALLENGE000000000000",
        "supplier_id": "hearth-gas",
        "supplier_name": "Hearth Gas",
        "medium": "sms",
        "destination_hint": "phone ending 42",
        "expires_at": datetime(2026, 3, 2, 9, 20, tzinfo=UTC),
    },
    "challenge-answered": {
        "challenge_id": "01JNPZ0CHALLENGE000000000000",
        "code": SEALED,
    },
    "operator-alert": {
        "connection_id": None,
        "tenant_id": None,
        "alert": "supplier_paused",
        "supplier_id": "parcelpoint",
        "error_code": "layout_changed",
        "detail": "document list 'table#inv' not found",
        "connection_ids": [
            "01JNPZ0CONNECTION0000000000",
            "01JNPZ0CONNECTION0000000001",
        ],
    },
    "dead-letter": {
        "original_topic": "connection-created",
        "original_key_b64": "MDFKTlBaMENPTk5FQ1RJT04wMDAwMDAwMDAw",
        "original_value_b64": "eyJ0eXBlIjogImNvbm5lY3Rpb24tY3JlYXRlZCJ9",
        "stage": "scheduler",
        "error": "invalid event: supplier_id: Field required",
        "attempts": 0,
    },
}


def sample(model: type[Event]) -> Event:
    """The sample of one event type, built (and so validated) by its model."""
    n = EVENT_TYPES.index(model)
    return model(
        **(IDS | {"event_id": f"01JNPZ0EVENT{n:016d}", "occurred_at": AT})
        | FIELDS[model.TYPE]
    )


def samples() -> list[Event]:
    return [sample(model) for model in EVENT_TYPES]


START, END = "<!-- samples: make docs -->", "<!-- /samples -->"


def samples_markdown() -> str:
    """The current version of every event, and its sample, as docs/events.md shows."""
    rows = ["| topic | current version |", "|---|---|"]
    rows += [f"| `{e.TYPE}` | {e.VERSION} |" for e in samples()]
    blocks = []
    for e in samples():
        body = json.dumps(json.loads(e.to_bytes()), indent=2, ensure_ascii=False)
        blocks.append(f"### `{e.TYPE}` (version {e.VERSION})\n\n```json\n{body}\n```")
    return "\n".join(rows) + "\n\n" + "\n\n".join(blocks)


def with_samples(doc: str) -> str:
    head, _, rest = doc.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{samples_markdown()}\n{END}{tail}"


if __name__ == "__main__":
    page = Path("docs/events.md")
    page.write_text(with_samples(page.read_text()))
    print(f"wrote the samples of {page}")
