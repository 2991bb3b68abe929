"""The /v1 API against the real stack: connect (checked first), follow, change,
read the inbox, and every kind of bad input answered clearly with nothing created."""

import hashlib
import json
from pathlib import Path

from adapters.web.openapi import openapi
from adapters.web.routes import ROUTES
from tests.e2e.api_helpers import body_for, connection_state
from tests.e2e.fleet import expected
from tests.e2e.test_pipeline import wait_for

NORTHWIND = "northwind-energy/default"
OPENAPI_FILE = Path(__file__).parents[2] / "docs" / "openapi.json"


async def test_the_served_openapi_document_is_the_committed_one(web):
    status, served = await web.call(None, "GET", "/v1/openapi.json")
    assert status == 200
    current = json.loads(json.dumps(openapi(ROUTES)))
    assert served == json.loads(OPENAPI_FILE.read_text()) == current


async def test_catalog_search(web):
    status, body = await web.call("alpha", "GET", "/v1/suppliers?q=regenwald")
    assert status == 200
    assert [s["id"] for s in body["suppliers"]] == []  # aliases, not translations
    status, body = await web.call("alpha", "GET", "/v1/suppliers?q=rainforest")
    (rainforest,) = [s for s in body["suppliers"] if s["id"] == "rainforest"]
    assert {v["id"] for v in rainforest["variants"]} == {"uk", "de", "business"}
    status, body = await web.call("alpha", "GET", "/v1/suppliers/hearth-gas")
    assert status == 200 and "totp" in body["two_factor"]
    status, body = await web.call("alpha", "GET", "/v1/suppliers?colour=red")
    assert status == 400 and body["error"]["code"] == "invalid_request"
    status, body = await web.call("alpha", "GET", "/v1/suppliers/nope")
    assert status == 404 and body["error"]["code"] == "not_found"


async def test_a_refused_login_is_422_with_the_remedy_and_nothing_is_created(web, db):
    before = await db["connections"].count_documents({"tenant_id": "alpha"})
    body = body_for(NORTHWIND, "bistro-bob", password="s3cret-pass ")
    status, answer = await web.call("alpha", "POST", "/v1/connections", json=body)
    assert status == 422
    assert answer["error"]["code"] == "invalid_credentials"
    assert "space before or after" in answer["error"]["remedy"]
    wrong_kind = body_for(NORTHWIND, "bistro-bob", connector_kind="sales")
    status, answer = await web.call("alpha", "POST", "/v1/connections", json=wrong_kind)
    assert status == 422 and answer["error"]["code"] == "kind_not_offered"
    sso = body_for("hearth-gas/default", "sso@hearth.example", password="x")
    status, answer = await web.call("alpha", "POST", "/v1/connections", json=sso)
    assert status == 422 and answer["error"]["code"] == "sso_account"
    assert await db["connections"].count_documents({"tenant_id": "alpha"}) == before


async def test_connect_follow_and_read_the_inbox(web, stack):
    body = body_for(NORTHWIND, "acme-ltd", notify_email="alpha-books@example.com")
    status, conn = await web.call("alpha", "POST", "/v1/connections", json=body)
    assert status == 201, conn
    assert conn["status"] == "pending" and conn["state"] == "fetching"
    cid = conn["connection_id"]
    want = expected(NORTHWIND, "acme-ltd", conn_date("2025-01-01"))
    done = await connection_state(
        web, "alpha", cid, lambda c: c["documents_collected"] == len(want)
    )
    assert done["state"] == "connected" and done["last_fetch_at"]
    assert done["next_fetch_at"] > done["last_fetch_at"]

    # The inbox, a page at a time, newest first, every document once.
    seen, cursor = [], None
    while True:
        query = f"?connection_id={cid}&limit=5" + (f"&after={cursor}" if cursor else "")
        status, page = await web.call("alpha", "GET", "/v1/inbox" + query)
        assert status == 200
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(i["metadata"]["number"] for i in seen) == sorted(
        w.number for w in want
    )
    dates = [i["metadata"]["issued_on"] for i in seen]
    assert dates == sorted(dates, reverse=True)
    status, pdf = await web.call("alpha", "GET", seen[0]["download_url"])
    assert status == 200 and pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == seen[0]["file"]["sha256"]

    # The first complete fetch is mailed once, with the number of documents.
    async def welcomed():
        return [
            m
            for m in stack.mail.to("alpha-books@example.com")
            if "is connected" in m["Subject"]
        ]

    (mail,) = await wait_for(welcomed)
    assert f"{len(want)} documents" in mail["Subject"]
    assert mail.get_body(("html",)) is not None and mail.get_body(("plain",))


def conn_date(text: str):
    from datetime import date

    return date.fromisoformat(text)


async def test_pause_fetch_resume_delete(web, db):
    body = body_for(NORTHWIND, "corner-cafe")
    status, conn = await web.call("alpha", "POST", "/v1/connections", json=body)
    cid = conn["connection_id"]
    want = len(expected(NORTHWIND, "corner-cafe", conn_date("2025-01-01")))
    first = await connection_state(
        web, "alpha", cid, lambda c: c["documents_collected"] == want
    )
    assert first["state"] == "connected"
    path = f"/v1/connections/{cid}"

    status, paused = await web.call("alpha", "POST", path + "/pause")
    assert status == 200 and paused["state"] == "paused"
    assert paused["next_fetch_at"] is None
    status, answer = await web.call("alpha", "POST", path + "/fetch")
    assert status == 409 and "resume it first" in answer["error"]["message"]
    status, resumed = await web.call("alpha", "POST", path + "/resume")
    assert status == 200 and resumed["status"] == "connected"

    status, _ = await web.call("alpha", "POST", path + "/fetch")
    assert status == 202
    again = await connection_state(
        web, "alpha", cid, lambda c: c["last_fetch_at"] > first["last_fetch_at"]
    )
    assert again["documents_collected"] == first["documents_collected"]  # no copies

    status, _ = await web.call("alpha", "DELETE", path)
    assert status == 204
    status, _ = await web.call("alpha", "GET", path)
    assert status == 404
    _, listed = await web.call("alpha", "GET", "/v1/connections")
    assert cid not in [c["connection_id"] for c in listed["connections"]]
    kept = await db["inbox"].count_documents({"connection_id": cid})
    assert kept == first["documents_collected"] > 0  # what was fetched stays


async def test_bad_input_is_a_clear_4xx_and_creates_nothing(web, db):
    before = await db["connections"].count_documents({"tenant_id": "alpha"})
    good = body_for(NORTHWIND, "acme-ltd")
    post = "/v1/connections"
    cases = [
        ({"data": b"{not json", "headers": json_type()}, 400, "invalid_json"),
        ({"json": good | {"colour": "red"}}, 400, "invalid_request"),
        ({"json": {k: v for k, v in good.items() if k != "login"}}, 400, None),
        ({"json": good | {"collect_from": "yesterday"}}, 400, "invalid_request"),
        ({"json": good | {"notify_email": "nobody"}}, 400, "invalid_request"),
        ({"json": good | {"schedule_hours": 0}}, 400, "invalid_request"),
        ({"json": good | {"supplier_id": "acme-gas"}}, 422, "unknown_supplier"),
        ({"json": good | {"portal_variant": "fr"}}, 422, "unknown_variant"),
        ({"data": b"login=x", "headers": {"Content-Type": "text/plain"}}, 415, None),
        ({"json": good | {"document_owner": "x" * 100_000}}, 413, "body_too_large"),
    ]
    for kw, status, code in cases:
        got, answer = await web.call("alpha", "POST", post, **kw)
        assert got == status, (kw.get("json", kw.get("data")), answer)
        assert answer["error"]["message"]
        if code:
            assert answer["error"]["code"] == code
    _, answer = await web.call("alpha", "POST", post, json=good | {"colour": "red"})
    assert answer["error"]["fields"][0]["field"] == "colour"
    status, answer = await web.call("alpha", "GET", "/v1/inbox?after=garbage")
    assert status == 400
    status, answer = await web.call("alpha", "GET", "/v1/inbox?limit=0")
    assert status == 400 and answer["error"]["fields"][0]["field"] == "query.limit"
    status, answer = await web.call("alpha", "GET", "/v1/nothing-here")
    assert status == 404 and answer["error"]["code"] == "not_found"
    assert await db["connections"].count_documents({"tenant_id": "alpha"}) == before


def json_type() -> dict:
    return {"Content-Type": "application/json"}
