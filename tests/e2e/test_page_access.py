"""The page's doors: sign-in required, a form token on every change, one tenant's
session reaches nothing of another's, and headers that keep links private."""

import aiohttp

from infra.settings import Settings
from tests.e2e.api_helpers import body_for, connection_state


async def signed_in_session(web, tenant: str) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.post(
        web.url + "/login", data={"api_key": web.keys[tenant]}, allow_redirects=False
    ) as resp:
        assert resp.status == 303 and "bh_session" in resp.cookies
    return http


async def test_sign_in_and_form_tokens_guard_every_change(web, stack):
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    await web.add_tenant("gamma", "Gamma Ledgers", settings)
    body = body_for("parcelpoint/default", "depot-9", notify_email="p9@example.com")
    status, conn = await web.call("gamma", "POST", "/v1/connections", json=body)
    cid = conn["connection_id"]
    await connection_state(web, "gamma", cid, lambda c: c["documents_collected"] > 0)
    _, inbox = await web.call("gamma", "GET", f"/v1/inbox?connection_id={cid}")
    item = inbox["items"][0]["item_id"]

    async with aiohttp.ClientSession() as anonymous:
        for method, path in [("GET", "/"), ("POST", f"/connections/{cid}/pause")]:
            async with anonymous.request(
                method, web.url + path, allow_redirects=False
            ) as resp:
                assert resp.status == 303 and resp.headers["Location"] == "/login"
        async with anonymous.post(web.url + "/login", data={"api_key": "bh_x"}) as r:
            assert r.status == 401 and "not valid" in await r.text()

    gamma = await signed_in_session(web, "gamma")
    try:
        async with gamma.get(web.url + "/") as resp:
            assert resp.status == 200 and cid in await resp.text()
            assert resp.headers["Referrer-Policy"] == "no-referrer"
            assert resp.headers["X-Frame-Options"] == "DENY"
        async with gamma.post(web.url + f"/connections/{cid}/pause") as resp:
            assert resp.status == 403  # no form token: not from our page
        _, still = await web.call("gamma", "GET", f"/v1/connections/{cid}")
        assert still["state"] != "paused"
        async with gamma.get(web.url + f"/files/{item}") as resp:
            assert resp.status == 200 and (await resp.read()).startswith(b"%PDF")
    finally:
        await gamma.close()

    beta = await signed_in_session(web, "beta")
    try:
        async with beta.get(web.url + "/") as resp:
            page = await resp.text()
            assert cid not in page and item not in page
        async with beta.get(web.url + f"/files/{item}") as resp:
            assert resp.status == 404
    finally:
        await beta.close()
