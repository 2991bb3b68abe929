"""`billhound suppliers record URL` on a demo portal that needs a browser: a person's
clicks and keys, sent through the recorder's live view as its page sends them, become
the draft entry's click path, and what they type is not in it."""

import json

import aiohttp

from infra.demo_portal.data import spec_for
from infra.recorder import start, stop
from tests.e2e.test_pipeline import wait_for

VOLTARIA = "voltaria-energy/default"
LOGIN = "ops@acme.example"


async def centre(page, css: str) -> list[float]:
    await page.wait_for_selector(css)
    box = await page.locator(css).bounding_box()
    return [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]


async def test_a_persons_sign_in_becomes_a_draft_click_path(stack):
    url = json.loads(stack.settings["portal_urls"])[VOLTARIA] + "/"
    password = spec_for(VOLTARIA).account(LOGIN).password
    recorder, runner, browsers = await start(url)
    try:
        bound = runner.addresses[0][1]
        portal = recorder.page
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"http://127.0.0.1:{bound}/record/socket") as view,
        ):
            assert "viewport" in (await view.receive_json())
            for css, text in (("#email", LOGIN), ("#password", password)):
                await view.send_json({"click": await centre(portal, css)})
                await view.send_json({"text": text})
            await view.send_json({"click": await centre(portal, "#sign-in")})

            async def recorded():
                return len(recorder.steps) >= 4 or None

            await wait_for(recorded, timeout=30)
            async with http.get(f"http://127.0.0.1:{bound}/draft") as resp:
                draft = await resp.json()
        assert draft["engine"] == "browser"
        assert draft["config"]["login"]["steps"] == [
            {"goto": "/"},
            {"fill": "#email", "value": "login"},
            {"fill": "#password", "value": "password"},
            {"click": "#sign-in"},
        ]
        assert password not in json.dumps(draft)
        await portal.wait_for_selector("#account")  # the person is signed in
    finally:
        await stop(runner, browsers)
