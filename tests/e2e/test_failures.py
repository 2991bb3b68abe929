"""Wrong logins, poison events and secrets, on the real pipeline."""

import base64
import json

from schemas.topics import TOPIC_NAMES
from tests.bus import produce, raw_values, read_topic
from tests.e2e.fleet import ticks_pass
from tests.e2e.test_pipeline import connect, wait_for
from tests.e2e.upstream import connection_created, envelope, unique

INPUT_TOPICS = [
    "connection-created",
    "fetch-due",
    "document-found",
    "document-accepted",
    "auth-failed",
    "challenge-answered",
]


async def test_wrong_password_disrupts_once_mails_once_and_never_retries(stack, db):
    username = "corner-cafe"
    before = await stack.login_attempts(username)
    notify = f"{unique('bookkeeper')}@example.com"
    password = "latte-art-42 "  # trailing space: a real user's mistake, and a secret
    tenant, conn, _ = await connect(stack, username, password, notify=notify)

    failed = await read_topic(
        stack.kafka,
        "auth-failed",
        lambda e: e.get("connection_id") == conn,
        until=lambda found: len(found) >= 1,
    )
    assert len(failed) == 1
    assert failed[0]["error_code"] == "invalid_credentials"
    assert "password has a space before or after it" in failed[0]["remedy"]
    assert failed[0]["supplier_name"] == "Northwind Energy"

    async def disrupted():
        doc = await db["connections"].find_one({"_id": conn})
        return doc if doc and doc["status"] == "disrupted" else None

    doc = await wait_for(disrupted)
    assert doc["last_error"] == "invalid_credentials" and doc["next_check_at"] is None
    changes = await read_topic(
        stack.kafka,
        "connection-status-changed",
        lambda e: e.get("connection_id") == conn,
        until=lambda f: len(f) >= 2,
    )
    assert [c["new_status"] for c in changes] == ["pending", "disrupted"]

    async def mailed():
        return stack.mail.to(notify)

    assert await wait_for(mailed, timeout=30)
    await ticks_pass(stack)  # several scheduler ticks: nothing may retry or re-mail
    mails = stack.mail.to(notify)
    assert len(mails) == 1
    body = mails[0].get_body(("plain",)).get_content()
    html = mails[0].get_body(("html",)).get_content()
    assert "password has a space before or after it" in html
    assert "Northwind Energy" in mails[0]["Subject"]
    assert "password has a space before or after it" in body
    assert await stack.login_attempts(username) - before == 1

    # No secret anywhere: not on any topic, in the database, the worker log or a mail.
    secret = password.strip()
    everything = await raw_values(stack.kafka, list(TOPIC_NAMES))
    assert everything and not any(secret.encode() in v for v in everything)
    for name in await db.list_collection_names():
        async for row in db[name].find({}):
            assert secret not in json.dumps(row, default=str)
    assert secret.encode() not in stack.worker_log.read_bytes()
    assert secret not in body and secret not in html


async def test_malformed_events_dead_letter_and_agents_go_on(stack, db):
    tenant, conn = unique("tenant"), unique("conn")
    keys = {t: (tenant if t.startswith("document") else conn) for t in INPUT_TOPICS}
    for topic in INPUT_TOPICS:
        missing = json.dumps(envelope(topic, tenant, conn)).encode()  # no body fields
        for bad in (b"\xff not json", b"[1, 2, 3]", missing):
            await produce(stack.kafka, topic, bad, keys[topic].encode())

    def ours(event):
        key = event.get("original_key_b64")
        return key is not None and base64.b64decode(key).decode() in (tenant, conn)

    letters = await read_topic(
        stack.kafka,
        "dead-letter",
        ours,
        until=lambda f: len(f) >= 3 * len(INPUT_TOPICS),
    )
    by_topic = {
        t: [x for x in letters if x["original_topic"] == t] for t in INPUT_TOPICS
    }
    for topic, found in by_topic.items():
        assert len(found) == 3, topic
        reasons = " | ".join(x["error"] for x in found)
        assert "not JSON" in reasons and "not a JSON object" in reasons
        assert "Field required" in reasons, reasons
        assert {base64.b64decode(x["original_value_b64"])[:5] for x in found} >= {
            b"\xff not"
        }

    # Behind the poison, on the same partitions, valid events still flow end to end.
    raw = connection_created(
        stack.keys,
        tenant=tenant,
        connection=conn,
        login="bistro-bob",
        password="s3cret-pass",
    )
    await produce(stack.kafka, "connection-created", raw, conn.encode())

    async def posted():
        return await db["inbox"].count_documents({"tenant_id": tenant}) >= 9

    assert await wait_for(posted)
    notify_to = (await db["connections"].find_one({"_id": conn}))["notify_email"]
    failed = envelope("auth-failed", tenant, conn) | {
        "disruption_id": unique("disruption"),
        "supplier_id": "northwind-energy",
        "supplier_name": "Northwind Energy",
        "error_code": "account_locked",
        "title": "The portal account is locked",
        "remedy": "Unlock the account at the supplier's portal, then reconnect.",
    }
    before = len(stack.mail.to(notify_to))
    await produce(
        stack.kafka, "auth-failed", json.dumps(failed).encode(), conn.encode()
    )

    async def mailed():
        return len(stack.mail.to(notify_to)) > before

    assert await wait_for(mailed, timeout=30)
