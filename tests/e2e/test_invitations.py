"""Asking a client to connect: a real email with a single-use, expiring link to a
page that shows the client nothing of the tenant but who asked and what to connect."""

import re
from datetime import UTC, datetime, timedelta

import aiohttp

from tests.e2e.api_helpers import connection_state
from tests.e2e.test_pipeline import wait_for

CLIENT = "client-depot9@example.com"


def invitation(client: str, **kw) -> dict:
    return {
        "client_email": client,
        "client_name": "Depot Nine",
        "supplier_id": "parcelpoint",
        "connector_kind": "cost",
        "document_owner": "Depot Nine",
        "collect_from": "2025-01-01",
    } | kw


async def page(method: str, url: str, **kw) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.request(method, url, **kw) as r:
        return r.status, await r.text()


async def link_mailed_to(stack, address: str) -> tuple[str, object]:
    async def mailed():
        return stack.mail.to(address)

    (mail,) = await wait_for(mailed)
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = re.search(r"http://\S+/invite/\S+", text).group(0)
    assert link in html
    return link, mail


async def test_a_client_connects_through_the_emailed_link_once(web, stack, db):
    status, inv = await web.call(
        "alpha", "POST", "/v1/invitations", json=invitation(CLIENT)
    )
    assert status == 201 and inv["status"] == "pending" and inv["link"]
    link, mail = await link_mailed_to(stack, CLIENT)
    assert link == inv["link"]
    assert "Alpha Bookkeeping" in mail["Subject"] and "ParcelPoint" in mail["Subject"]

    status, html = await page("GET", link)
    assert status == 200 and "Connect ParcelPoint" in html
    assert "Alpha Bookkeeping" in html
    others = await db["connections"].find({"tenant_id": "alpha"}).to_list(None)
    for other in others:  # nothing else of the tenant shows
        assert other["document_owner"] not in html
        assert other["notify_email"] not in html

    status, html = await page(
        "POST", link, data={"login": "depot-9", "password": "nope"}
    )
    assert status == 422 and "did not accept the login" in html
    _, still = await web.call("alpha", "GET", f"/v1/invitations/{inv['invitation_id']}")
    assert still["status"] == "pending"

    status, html = await page(
        "POST", link, data={"login": "depot-9", "password": "Box-It-9"}
    )
    assert status == 200 and "ParcelPoint is connected" in html
    _, done = await web.call("alpha", "GET", f"/v1/invitations/{inv['invitation_id']}")
    assert done["status"] == "completed" and done["connection_id"]
    conn = await connection_state(
        web, "alpha", done["connection_id"], lambda c: c["documents_collected"] > 0
    )
    assert conn["notify_email"] == CLIENT and conn["document_owner"] == "Depot Nine"

    status, html = await page("POST", link, data={"login": "x", "password": "y"})
    assert status == 410 and "used already" in html
    status, html = await page("GET", link)
    assert status == 410 and "used already" in html
    assert link.rsplit("/", 1)[1] not in web.log.read_text()  # the token is secret


async def test_expired_withdrawn_and_unknown_links_get_a_clear_page(web, stack, db):
    _, late = await web.call(
        "alpha", "POST", "/v1/invitations", json=invitation("late@example.com")
    )
    late_link, _ = await link_mailed_to(stack, "late@example.com")
    # The clock moves past the expiry.
    past = datetime.now(UTC) - timedelta(minutes=1)
    await db["invitations"].update_one(
        {"_id": late["invitation_id"]}, {"$set": {"expires_at": past}}
    )
    status, html = await page("GET", late_link)
    assert status == 410 and "expired" in html
    _, seen = await web.call("alpha", "GET", f"/v1/invitations/{late['invitation_id']}")
    assert seen["status"] == "expired"

    _, gone = await web.call(
        "alpha", "POST", "/v1/invitations", json=invitation("gone@example.com")
    )
    gone_link, _ = await link_mailed_to(stack, "gone@example.com")
    status, revoked = await web.call(
        "alpha", "DELETE", f"/v1/invitations/{gone['invitation_id']}"
    )
    assert status == 200 and revoked["status"] == "revoked"
    status, html = await page(
        "POST", gone_link, data={"login": "depot-9", "password": "Box-It-9"}
    )
    assert status == 410 and "withdrawn" in html

    status, html = await page("GET", late_link.rsplit("/", 1)[0] + "/not-a-token")
    assert status == 404 and "not valid" in html
    _, listed = await web.call("alpha", "GET", "/v1/invitations")
    states = {i["invitation_id"]: i["status"] for i in listed["invitations"]}
    assert states[late["invitation_id"]] == "expired"
    assert states[gone["invitation_id"]] == "revoked"

    status, answer = await web.call(
        "alpha",
        "POST",
        "/v1/invitations",
        json=invitation("x@example.com", supplier_id="nope"),
    )
    assert status == 422 and answer["error"]["code"] == "unknown_supplier"
    assert not stack.mail.to("x@example.com")
