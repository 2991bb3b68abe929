"""A step only a person can take, end to end with two Chromiums: the worker's drives
the portal, which asks a new device for a captcha; the run waits; a bookkeeper, in
another Chromium, opens the live view on the connected suppliers page, clicks into
the portal's page and types the letters; the run goes on and the kept session spares
the next captcha. Only the tenant that owns the connection can open the view."""

import re

import aiohttp

from infra.demo_portal.data import spec_for
from infra.settings import Settings
from tests.e2e.api_helpers import body_for, connection_state
from tests.e2e.fleet import connect_to, connection, events_for, expected, inbox_of
from tests.e2e.test_browser import browser_page  # noqa: F401 - a fixture
from tests.e2e.test_pipeline import wait_for
from tests.e2e.test_portals import COLLECT_FROM

VOLTARIA, LOGIN = "voltaria-energy/default", "newdevice@acme.example"
NOTIFY = "studio-books@example.com"
VIEWPORT = (1280, 900)  # the portal page as the worker's browser shows it
CAPTCHA_INPUT = (160, 346)  # where the demo portal puts its captcha's input


async def sign_in(page, url: str, key: str) -> None:
    await page.goto(url + "/login")
    await page.fill("#api_key", key)
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=Connected suppliers")


async def captchas_shown(stack) -> int:
    stats = await stack.portal_stats(VOLTARIA)
    return stats["captchas_shown"].get(LOGIN, 0)


async def pass_the_captcha(page, stack) -> str:
    """In the live view open on `page`: click into the portal's captcha input, type
    what the picture says (as a person reads it), press Enter; the letters."""
    await page.wait_for_selector("#screen:not([data-frames='0'])")
    said = await stack.portal_call(VOLTARIA, "GET", f"/_demo/captcha/{LOGIN}")
    box = await page.locator("#screen").bounding_box()
    x = box["x"] + CAPTCHA_INPUT[0] * box["width"] / VIEWPORT[0]
    y = box["y"] + CAPTCHA_INPUT[1] * box["height"] / VIEWPORT[1]
    await page.mouse.click(x, y)
    await page.keyboard.type(said["answer"])
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#live-state[data-state=done]", timeout=60_000)
    return said["answer"]


async def test_a_person_passes_a_captcha_in_the_live_view_and_the_run_goes_on(
    web,
    stack,
    db,
    browser_page,  # noqa: F811 - the fixture
):
    page = browser_page
    body = body_for(VOLTARIA, LOGIN, notify_email=NOTIFY)
    status, made = await web.call("alpha", "POST", "/v1/connections", json=body)
    assert status == 201, made
    conn = made["connection_id"]

    (asked,) = await events_for(stack, "challenge-required", conn, timeout=90)
    assert asked["medium"] == "captcha" and asked["answered_in"] == "live_view"
    shown = await connection_state(
        web, "alpha", conn, lambda c: c["state"] == "waiting_for_person"
    )
    assert shown["challenge"]["live_view_url"] == f"/connections/{conn}/live"

    async def mailed():
        return [m for m in stack.mail.to(NOTIFY) if "finish signing in" in m["Subject"]]

    (mail,) = await wait_for(mailed)
    assert "Voltaria Energy" in mail["Subject"]

    # Another tenant's people cannot open it, by page or by socket.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await http.post(web.url + "/login", data={"api_key": web.keys["beta"]})
        async with http.get(web.url + "/") as resp:  # signed in, as beta
            assert "Beta Accounts" in await resp.text()
        async with http.get(f"{web.url}/connections/{conn}/live") as resp:
            assert resp.status == 404
        async with http.get(f"{web.url}/connections/{conn}/live/socket") as resp:
            assert resp.status == 404

    # The bookkeeper opens the live view from the connected suppliers page.
    await sign_in(page, web.url, web.keys["alpha"])
    await page.click(f"#connection-{conn} a[data-role=live-view]")
    answer = await pass_the_captcha(page, stack)

    want = expected(VOLTARIA, LOGIN, COLLECT_FROM)
    rows = await inbox_of(db, conn, len(want), timeout=90)
    assert sorted(r["metadata"]["number"] for r in rows) == sorted(
        i.number for i in want
    )
    done = await connection_state(
        web, "alpha", conn, lambda c: c["state"] == "connected"
    )
    assert done["challenge"] is None
    assert answer not in (stack.worker_log.read_text() + web.log.read_text())

    # The portal's session ends; the kept one still spares the next captcha.
    before = await captchas_shown(stack)
    first_fetch = (await connection(db, conn))["last_fetch_at"]
    await stack.portal_call(VOLTARIA, "POST", f"/_demo/accounts/{LOGIN}/sign-out")
    status, _ = await web.call("alpha", "POST", f"/v1/connections/{conn}/fetch")
    assert status in (200, 202, 204)

    async def fetched_again():
        doc = await connection(db, conn)
        return doc if doc["last_fetch_at"] != first_fetch else None

    again = await wait_for(fetched_again, timeout=90)
    assert again["status"] == "connected" and again["challenge"] is None
    assert await captchas_shown(stack) == before
    assert len(await events_for(stack, "challenge-required", conn)) == 1


async def test_an_approval_in_the_suppliers_app_lets_the_waiting_run_go_on(stack, db):
    key, login = VOLTARIA, "approve@acme.example"
    _, conn = await connect_to(stack, key, login)
    (asked,) = await events_for(stack, "challenge-required", conn, timeout=90)
    assert asked["medium"] == "app" and asked["answered_in"] == "live_view"

    async def waiting():
        doc = await connection(db, conn)
        return doc if doc and doc.get("challenge") else None

    assert (await wait_for(waiting))["challenge"]["medium"] == "app"
    # The account holder taps "Approve" on their phone; nobody touches Billhound.
    await stack.portal_call(key, "POST", f"/_demo/approve/{login}")
    want = expected(key, login, COLLECT_FROM)
    rows = await inbox_of(db, conn, len(want), timeout=90)
    assert len(rows) == len(want)

    async def connected():
        doc = await connection(db, conn)
        return doc if doc["status"] == "connected" and not doc["challenge"] else None

    assert await wait_for(connected)


async def test_an_invited_client_passes_the_captcha_from_their_own_page(
    web,
    stack,
    db,
    browser_page,  # noqa: F811 - the fixture
):
    client = "kitchen-client@example.com"
    invite = {
        "client_email": client,
        "client_name": "ACME Studio",
        "supplier_id": "voltaria-energy",
        "connector_kind": "cost",
        "document_owner": "ACME Studio",
        "collect_from": "2025-01-01",
    }
    # A tenant of its own: alpha has this account's documents already (dedupe).
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    await web.add_tenant("studio-books", "Studio Books", settings)
    status, inv = await web.call("studio-books", "POST", "/v1/invitations", json=invite)
    assert status == 201, inv
    password = spec_for(VOLTARIA).account(LOGIN).password
    async with aiohttp.ClientSession() as http:
        form = {"login": LOGIN, "password": password}
        async with http.post(inv["link"], data=form) as resp:
            assert resp.status == 200 and "is connected" in await resp.text()

    async def asked():
        mails = [
            m for m in stack.mail.to(client) if "finish signing in" in m["Subject"]
        ]
        return mails[0] if mails else None

    mail = await wait_for(asked, timeout=90)
    link = re.search(r"http://\S+/client/\S+", mail.get_body(("plain",)).get_content())
    await browser_page.goto(link.group(0))
    await browser_page.click("a[data-role=live-view]")
    await pass_the_captcha(browser_page, stack)
    path = f"/v1/invitations/{inv['invitation_id']}"
    _, done = await web.call("studio-books", "GET", path)
    want = expected(VOLTARIA, LOGIN, COLLECT_FROM)
    assert len(await inbox_of(db, done["connection_id"], len(want), timeout=90)) == len(
        want
    )
    # The client's link opens their own connection's view only.
    async with (
        aiohttp.ClientSession() as http,
        http.get(link.group(0) + "x/live") as resp,
    ):
        assert resp.status == 404
