"""The connected suppliers page as people use it, in real Chromium: a running fetch is
followed in place without wiping what someone types, it reads on a 375 px phone, it
writes dates and amounts the tenant's way, and a screen reader hears which
connection each control acts on."""

import re

from playwright.async_api import Page

from infra.settings import Settings
from infra.web import create_tenant
from tests.e2e.api_helpers import body_for, connection_state
from tests.e2e.test_browser import browser_page  # noqa: F401 - the fixture
from tests.e2e.test_pipeline import wait_for

NORTHWIND, COBALT = "northwind-energy/default", "cobalt-water/default"

# WCAG contrast, computed in the page: an element's text against the first opaque
# background behind it, or a control's edge (border or fill) against its surroundings.
CONTRAST = """([sel, prop]) => Array.from(document.querySelectorAll(sel)).map(el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const opaque = c => c.length === 3 || (c.length === 4 && c[3] > 0.9);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05); };
  const behind = node => {
    while (node && node.nodeType === 1) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (opaque(c)) return c;
      node = node.parentElement;
    }
    return [255, 255, 255];
  };
  const style = getComputedStyle(el), name = el.textContent.trim().slice(0, 30);
  if (prop !== "edge") return [name, ratio(rgb(style.color), behind(el))];
  // A control's edge: its border, or its own fill, against what is behind it.
  const around = behind(el.parentElement), fill = rgb(style.backgroundColor);
  return [name, Math.max(ratio(rgb(style.borderTopColor), around),
                         opaque(fill) ? ratio(fill, around) : 1)];
})"""


async def new_tenant(web, stack, tenant_id, name, locale=None) -> str:
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    _, key = await create_tenant(settings, name, tenant_id, locale=locale)
    web.keys[tenant_id] = key
    return key


async def sign_in(page: Page, url: str, key: str) -> None:
    await page.goto(url + "/login")
    await page.fill("#api_key", key)
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=Connected suppliers")


async def test_a_fetch_is_followed_in_place_and_typing_survives(
    web,
    stack,
    browser_page,  # noqa: F811
):
    page = browser_page
    key = await new_tenant(web, stack, "kappa", "Kappa Steuerberatung", "de_DE")
    await sign_in(page, web.url, key)

    # Connect on the page; the new connection is where the person looks.
    await page.goto(web.url + "/connect?supplier=northwind-energy")
    await page.fill("#document_owner", "ACME GmbH")
    await page.fill("#notify_email", "kappa@example.com")
    await page.fill("#collect_from", "2024-01-01")
    await page.fill("#login", "acme-ltd")
    await page.fill("#password", "correct horse battery")
    await page.click("#connect button[type=submit]")
    await page.wait_for_selector("text=The first fetch has started")
    cid = page.url.split("#connection-")[1]
    first = page.locator("#connections > tbody").first
    assert await first.get_attribute("id") == f"connection-{cid}"

    # Someone starts an invitation while the fetch runs; the page must not reload.
    await page.fill("#client_email", "typing@example.com")
    await page.evaluate("window.__same_page = true")
    row = page.locator(f"#connection-{cid} > tr[data-connection]")
    assert await row.get_attribute("data-state") == "fetching"
    assert "so far" in await row.locator("[data-role=progress]").inner_text()

    async def connected_in_place():
        return await row.get_attribute("data-state") == "connected"

    assert await wait_for(connected_in_place, timeout=90)
    assert await page.evaluate("window.__same_page === true")  # no reload happened
    assert await page.input_value("#client_email") == "typing@example.com"

    async def all_counted():  # the last documents are posted just after the fetch
        return int(await row.locator("[data-role=documents]").inner_text()) == 24

    assert await wait_for(all_counted, timeout=30)

    async def inbox_shown():
        return await page.locator("#inbox tr[data-item]").count() >= 24

    assert await wait_for(inbox_shown, timeout=30)
    # German dates and amounts, one way across the page.
    text = await page.locator("#inbox").inner_text()
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", text)
    assert re.search(r"\d,\d{2}\s€", text) and "EUR" not in text
    assert "UTC" in await row.inner_text() and "." in await row.inner_text()


async def test_the_page_reads_on_a_phone_and_to_a_screen_reader(
    web,
    stack,
    browser_page,  # noqa: F811
):
    page = browser_page
    key = await new_tenant(web, stack, "lambda", "Lambda Bookkeeping With A Long Name")
    body = body_for(COBALT, "JSmith", document_owner="J Smith Plumbing And Heating Ltd")
    status, made = await web.call("lambda", "POST", "/v1/connections", json=body)
    assert status in (201, 202)
    cid = made["connection_id"]
    await connection_state(web, "lambda", cid, lambda c: c["state"] == "connected")
    await stack.portal_call(
        COBALT, "POST", "/_demo/accounts/JSmith/password", {"password": "Changed-1"}
    )
    try:
        await web.call("lambda", "POST", f"/v1/connections/{cid}/fetch")
        await connection_state(web, "lambda", cid, lambda c: c["state"] == "disrupted")
        await sign_in(page, web.url, key)

        # A failed reconnect says which connection it was about, beside it.
        form = page.locator(f"#connection-{cid} form[data-role=reconnect]")
        await form.locator("input[name=login]").fill("JSmith")
        await form.locator("input[name=password]").fill("Water4All!")
        await form.locator("button[type=submit]").click()
        said = page.locator(f"#connection-{cid} [data-role=reconnect-problem]")
        assert (
            "Cobalt Water, J Smith Plumbing And Heating Ltd" in await said.inner_text()
        )
        top = await page.locator(".error[role=alert]").inner_text()
        assert "Cobalt Water for J Smith Plumbing And Heating Ltd" in top

        # Every control names its connection; no button sits inside a link.
        labels = await page.locator(f"#connection-{cid} button").evaluate_all(
            "bs => bs.map(b => b.getAttribute('aria-label') || '')"
        )
        assert labels and all(
            "Cobalt Water, J Smith Plumbing And Heating Ltd" in label
            for label in labels
        )
        assert await page.locator("a button, button a").count() == 0
        skip = page.locator("a.skip")
        assert await skip.get_attribute("href") == "#main"
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.className") == "skip"
        for sel, prop, least in [
            (
                "main p, main td, main th, main label, main h1, main h2, main h3",
                "color",
                4.5,
            ),
            (".badge, .muted, a, button", "color", 4.5),
            ("button, input:not([type=hidden]), select", "edge", 3.0),
        ]:
            for text, ratio in await page.evaluate(CONTRAST, [sel, prop]):
                assert ratio >= least, f"{sel} {text!r}: {ratio:.2f}"
        icon = await page.context.request.get(web.url + "/favicon.ico")
        assert icon.ok and "svg" in icon.headers["content-type"]
        assert await page.locator("link[rel=icon]").count() == 1

        # 375 px wide: nothing scrolls sideways, here, on the connect form, invitations.
        await page.set_viewport_size({"width": 375, "height": 800})
        for path in ("/", "/connect", "/connect?supplier=brightline-telecom"):
            await page.goto(web.url + path)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} is {width}px wide"
        options = await page.locator("#portal_variant option").all_inner_texts()
        assert options and not any(re.search(r"\((\w+)\).*\(\1\)", o) for o in options)

        # A mailed link to the connection leads there, through signing in.
        await page.set_viewport_size({"width": 1280, "height": 860})
        await page.goto(web.url + "/")
        await page.click("button:has-text('Sign out')")
        await page.goto(f"{web.url}/#connection-{cid}")
        await page.fill("#api_key", key)
        await page.click("button[type=submit]")
        await page.wait_for_selector("text=Connected suppliers")
        assert page.url.endswith(f"#connection-{cid}")
    finally:
        await stack.portal_call(
            COBALT,
            "POST",
            "/_demo/accounts/JSmith/password",
            {"password": "Water4All!"},
        )
