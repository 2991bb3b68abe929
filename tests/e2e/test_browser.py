"""The connected suppliers page in real headless Chromium (Debian's), as a bookkeeper
uses it: connect, watch documents arrive, see a broken login, reconnect, recover.

Screenshots of each state go to $BILLHOUND_SCREENSHOTS when set (make screenshots)."""

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from infra.settings import Settings
from infra.web import create_tenant
from tests.e2e.fleet import expected
from tests.e2e.test_pipeline import wait_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# What the machine's closed network needs: no background calls home.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KEY, LOGIN, PASSWORD = "sparkplug-office/default", "studio-9", "Staple-9"
NOTIFY = "studio-books@example.com"


@pytest.fixture
async def browser_page():
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - once, before the browser
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser`")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 860})
        try:
            yield page
        finally:
            await browser.close()


class Shots:
    def __init__(self, tmp: Path) -> None:
        self.dir = Path(os.environ.get("BILLHOUND_SCREENSHOTS", tmp))
        self.dir.mkdir(parents=True, exist_ok=True)

    async def take(self, page: Page, name: str) -> None:
        await page.screenshot(path=str(self.dir / f"{name}.png"), full_page=True)


async def state_of(page: Page, supplier: str) -> tuple[str, int]:
    row = page.locator("tr[data-connection]", has_text=supplier).first
    state = await row.get_attribute("data-state")
    docs = await row.locator("[data-role=documents]").inner_text()
    return state or "", int(docs)


async def until(page: Page, want, timeout: float = 60.0):
    """Reload the page until want(state, documents) holds, as a person would."""

    async def check():
        await page.goto(page.url.split("?")[0])
        got = await state_of(page, "Sparkplug")
        return got if want(*got) else None

    return await wait_for(check, timeout=timeout, every=0.5)


async def test_connect_watch_break_and_reconnect_in_a_real_browser(
    web, stack, browser_page, tmp_path
):
    page, shots = browser_page, Shots(tmp_path)
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    _, key = await create_tenant(settings, "Harbour & Co Bookkeeping", "harbour")

    await page.goto(web.url + "/")
    assert page.url.endswith("/login")
    await page.fill("#api_key", key)
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=Connected suppliers")

    # Connect through the page: search the catalog, fill the form.
    await page.click("text=Connect a supplier")
    await page.fill("#q", "sparkplug")
    await page.click("button:has-text('Search')")
    await page.click("a:has-text('Sparkplug Office Supplies')")
    await page.fill("#document_owner", "Studio Nine")
    await page.fill("#notify_email", NOTIFY)
    await page.fill("#collect_from", "2025-01-01")
    await page.fill("#login", LOGIN)
    await page.fill("#password", PASSWORD)
    await shots.take(page, "connect-form")
    await page.click("#connect button[type=submit]")
    await page.wait_for_selector("text=The first fetch has started")
    await shots.take(page, "fetching")

    want = len(expected(KEY, LOGIN, date(2025, 1, 1)))
    assert await until(page, lambda s, n: s == "connected" and n == want)
    assert await page.locator("#inbox tr[data-item]").count() == want
    await shots.take(page, "connected")

    # The password changes at the portal; the next fetch finds out.
    await stack.portal_call(
        KEY, "POST", f"/_demo/accounts/{LOGIN}/password", {"password": "New-Staple-10"}
    )
    try:
        await page.click("tr[data-connection] button:has-text('Fetch now')")
        assert await until(page, lambda s, n: s == "disrupted")
        warning = page.locator(".warning[data-code=invalid_credentials]")
        assert "did not accept the login" in await warning.inner_text()
        assert "changed at the portal" in (await warning.inner_text())
        await shots.take(page, "disrupted")

        async def mailed():
            return [m for m in stack.mail.to(NOTIFY) if "Action needed" in m["Subject"]]

        (mail,) = await wait_for(mailed)
        assert "Sparkplug Office Supplies" in mail["Subject"]

        # A wrong new password is refused at once, with the remedy.
        form = page.locator("form[data-role=reconnect]")
        await form.locator("input[name=login]").fill(LOGIN)
        await form.locator("input[name=password]").fill("still-wrong")
        await form.locator("button[type=submit]").click()
        await page.wait_for_selector(".warning[role=alert]")
        assert (await state_of(page, "Sparkplug"))[0] == "disrupted"

        form = page.locator("form[data-role=reconnect]")
        await form.locator("input[name=login]").fill(LOGIN)
        await form.locator("input[name=password]").fill("New-Staple-10")
        await form.locator("button[type=submit]").click()
        await page.wait_for_selector("text=Login updated")
        state, _ = await until(page, lambda s, n: s == "connected")
        assert await page.locator(".warning").count() == 0
        await shots.take(page, "recovered")

        await page.click("tr[data-connection] button:has-text('Pause')")
        await page.wait_for_selector("text=Paused: nothing is fetched")
        assert (await state_of(page, "Sparkplug"))[0] == "paused"
        await shots.take(page, "paused")
        await page.click("tr[data-connection] button:has-text('Resume')")
        assert (await state_of(page, "Sparkplug"))[0] in ("connected", "fetching")
    finally:
        await stack.portal_call(
            KEY, "POST", f"/_demo/accounts/{LOGIN}/password", {"password": PASSWORD}
        )

    # Ask a client to connect; the client's page, and a link that cannot be used.
    await page.fill("#client_email", "studio-client@example.com")
    await page.fill("#client_name", "Studio Client")
    await page.select_option("#inv_supplier", "northwind-energy")
    await page.fill("#inv_owner", "Studio Client")
    await page.fill("#inv_from", "2025-01-01")
    await page.click("#invite button[type=submit]")
    await page.wait_for_selector("text=Invitation sent")
    assert await page.locator("tr[data-invitation][data-status=pending]").count() == 1

    async def invited():
        return stack.mail.to("studio-client@example.com")

    (mail,) = await wait_for(invited)
    link = next(
        w for w in mail.get_body(("plain",)).get_content().split() if "/invite/" in w
    )
    await page.goto(link)
    assert "Connect Northwind Energy" in await page.content()
    assert "Studio Nine" not in await page.content()  # nothing else of the tenant
    await shots.take(page, "invitation")
    await page.goto(web.url + "/invite/not-a-real-link")
    await shots.take(page, "link-invalid")
