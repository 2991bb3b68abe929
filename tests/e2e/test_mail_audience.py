"""Everyone is told what concerns them: an invited client's connection tells the
accountant when it is made and when it breaks, and the client only what the client
can fix, with a page of their own; the first-fetch mail agrees with the page."""

import re

from tests.e2e.api_helpers import body_for, connection_state
from tests.e2e.test_invitations import invitation, link_mailed_to, page
from tests.e2e.test_pipeline import wait_for

PARCELS = "parcelpoint/default"
ACCOUNTANT, CLIENT = "accountant-gamma@example.com", "depot8-owner@example.com"


def mails(stack, address: str, words: str) -> list:
    return [m for m in stack.mail.to(address) if words in m["Subject"]]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def no_internal_id(text: str, connection_id: str) -> None:
    """The id may stand in a link's address, never in what a person reads."""
    assert connection_id not in re.sub(r"https?://\S+", "", text)


async def test_an_invited_clients_connection_tells_each_person_their_part(web, stack):
    await web.add_tenant("gamma", "Gamma Accounts", _settings(stack))
    status, inv = await web.call(
        "gamma",
        "POST",
        "/v1/invitations",
        json=invitation(CLIENT, client_name="Depot Eight", notify_email=ACCOUNTANT),
    )
    assert status == 201 and inv["notify_email"] == ACCOUNTANT
    link, _ = await link_mailed_to(stack, CLIENT)
    status, _ = await page(
        "POST", link, data={"login": "depot-8", "password": "Box-It-8"}
    )
    assert status == 200
    _, done = await web.call("gamma", "GET", f"/v1/invitations/{inv['invitation_id']}")
    cid = done["connection_id"]
    await connection_state(web, "gamma", cid, lambda c: c["documents_collected"] == 4)

    # The accountant hears that the client connected, with the count the page shows.
    (hello,) = await wait_for(lambda: _async(mails(stack, ACCOUNTANT, "connected")))
    assert "Depot Eight connected ParcelPoint" in hello["Subject"]
    assert "4 documents in the inbox" in hello["Subject"]
    assert f"#connection-{cid}" in text_of(hello)
    no_internal_id(text_of(hello), cid)
    assert mails(stack, CLIENT, "connected") == []  # nothing for the client to do

    await stack.portal_call(
        PARCELS, "POST", "/_demo/accounts/depot-8/password", {"password": "New-8"}
    )
    try:
        status, _ = await web.call("gamma", "POST", f"/v1/connections/{cid}/fetch")
        assert status == 202
        await connection_state(web, "gamma", cid, lambda c: c["state"] == "disrupted")

        # The client is asked to act, on a page the client can open.
        (ask,) = await wait_for(lambda: _async(mails(stack, CLIENT, "Action needed")))
        body = text_of(ask)
        assert "changed at the portal" in body
        assert body.lower().count("update the login") == 1
        client_page = re.search(r"http://\S+/client/\S+", body).group(0)
        assert client_page in ask.get_body(("html",)).get_content()
        no_internal_id(body, cid)
        # The accountant is told, not asked.
        (told,) = await wait_for(lambda: _async(mails(stack, ACCOUNTANT, "stopped")))
        assert "Depot Eight" in told["Subject"] and CLIENT in text_of(told)
        assert f"#connection-{cid}" in text_of(told)
        assert mails(stack, ACCOUNTANT, "Action needed") == []

        status, html = await page("GET", client_page)
        assert status == 200 and "ParcelPoint" in html and "Gamma Accounts" in html
        assert "changed at the portal" in html
        status, html = await page(
            "POST",
            client_page + "/reconnect",
            data={"login": "depot-8", "password": "Box-It-8"},
        )
        assert status == 422 and "did not accept" in html and "ParcelPoint" in html
        status, html = await page(
            "POST",
            client_page + "/reconnect",
            data={"login": "depot-8", "password": "New-8"},
        )
        assert status == 200 and "Login updated" in html
        await connection_state(
            web,
            "gamma",
            cid,
            lambda c: c["state"] == "connected" and c["warning"] is None,
        )
    finally:
        await stack.portal_call(
            PARCELS,
            "POST",
            "/_demo/accounts/depot-8/password",
            {"password": "Box-It-8"},
        )
    status, html = await page("GET", client_page.rsplit("/", 1)[0] + "/not-a-token")
    assert status == 404
    assert "/client/" not in web.log.read_text().replace("/client/…", "")


async def test_the_first_fetch_mail_says_what_reached_the_inbox_and_why_not(web, stack):
    await web.add_tenant("zeta", "Zeta Books", _settings(stack))
    first = body_for(PARCELS, "depot-8", notify_email="zeta-1@example.com")
    status, one = await web.call("zeta", "POST", "/v1/connections", json=first)
    assert status in (201, 202)
    await connection_state(
        web, "zeta", one["connection_id"], lambda c: c["documents_collected"] == 4
    )
    # The same account connected again: every document is a copy of one already in.
    again = first | {"notify_email": "zeta-2@example.com"}
    status, two = await web.call("zeta", "POST", "/v1/connections", json=again)
    assert status in (201, 202)
    (mail,) = await wait_for(
        lambda: _async(mails(stack, "zeta-2@example.com", "connected"))
    )
    assert "0 documents in the inbox" in mail["Subject"]
    text = text_of(mail)
    assert "4 were copies of documents already in the inbox" in text
    _, shown = await web.call("zeta", "GET", f"/v1/connections/{two['connection_id']}")
    assert shown["documents_collected"] == 0  # the page agrees with the mail


def _settings(stack):
    from infra.settings import Settings

    return Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)


async def _async(value):
    return value
