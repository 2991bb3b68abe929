"""`billhound suppliers record URL`: a person signs in to a portal in the browser
engine's own Chromium, through the live view, and their clicks and fills become the
click path of a draft catalog entry (engine `browser`). What they type is never
recorded: a fill records which of the connection's values goes there (login,
password or a TOTP code), the value itself stays in the portal's page."""

import asyncio
import contextlib
import json
import sys
from urllib.parse import urlsplit

from aiohttp import web

from adapters.portals.browsers import BrowserPool
from adapters.portals.live_view import LiveViews
from adapters.web.render import page as render

CLOSING = web.AppKey("closing", object)  # the browser context, closed at the end

# In the portal's page: each click on something clickable and each input left with
# a value, as a CSS selector an operator can read. Inputs are told apart by what
# they hold: a password, a one-time code, or else the login.
RECORD_JS = """
(() => {
  const sel = (el) => {
    if (el.id) return "#" + CSS.escape(el.id);
    const tag = el.tagName.toLowerCase(), name = el.getAttribute("name");
    if (name) return `${tag}[name="${name}"]`;
    const classes = [...el.classList].map((c) => "." + CSS.escape(c)).join("");
    const text = (el.innerText || "").trim();
    if (!classes && text && text.length < 40) return `${tag}:has-text("${text}")`;
    return tag + classes;
  };
  const field = "input:not([type=submit]):not([type=button]), textarea, select";
  document.addEventListener("click", (event) => {
    const target = event.target.closest("button, a, [role=button], input, label");
    if (!target || target.matches(field)) return;  // focusing is not a step
    window.billhoundRecord({ click: sel(target) });
  }, true);
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!target.matches(field) || !target.value) return;
    const hint = `${target.name} ${target.id} ${target.autocomplete}`;
    const value = target.type === "password" ? "password"
      : /otp|totp|one-time|code/i.test(hint) ? "totp" : "login";
    window.billhoundRecord({ fill: sel(target), value });
  }, true);
})();
"""


class Recorder:
    """The steps a person took, in order, and the draft entry they make."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.steps: list[dict] = [{"goto": parts.path or "/"}]
        self.page = None  # the portal's page, once open

    def add(self, step: dict) -> None:
        allowed = {"click", "fill", "value"}
        step = {k: str(v) for k, v in step.items() if k in allowed}
        if "fill" in step and self.steps[-1].get("fill") == step["fill"]:
            self.steps[-1] = step  # typed into the same input again
        elif step:
            self.steps.append(step)

    def draft(self) -> dict:
        """A catalog entry to finish: the login's click path as recorded, and TODOs
        where only the author knows what the portal shows."""
        host = urlsplit(self.base).hostname or "portal"
        ident = host.removeprefix("www.").split(".")[0]
        if ident.isdigit():  # an address, not a name: the author names it
            ident = "portal"
        todo = {"css": "TODO"}
        return {
            "id": ident,
            "name": ident.title(),
            "connector_kinds": ["cost"],
            "variants": {"default": {"label": host, "base_url": self.base}},
            "engine": "browser",
            "config": {
                "login": {
                    "steps": self.steps,
                    "signed_in": {"css": "TODO: shown only once signed in"},
                    "failure": {"css": "TODO: the wrong-login message"},
                },
                "documents": {
                    "steps": [{"wait": "TODO: the document list"}],
                    "table": "TODO",
                    "row": "TODO",
                    "fields": {
                        "id": todo,
                        "issued_on": todo,
                        "number": todo,
                        "total": todo,
                        "download": {"css": "TODO", "attr": "href"},
                    },
                },
            },
        }


async def start(url: str, port: int = 0) -> tuple[Recorder, web.AppRunner, BrowserPool]:
    """The portal open in Chromium, and the recorder's page on 127.0.0.1:port."""
    recorder, browsers = Recorder(url), BrowserPool(max_contexts=1)
    opened = browsers.context(recorder.base)
    context = await opened.__aenter__()
    await context.add_init_script(RECORD_JS)
    await context.expose_binding(
        "billhoundRecord", lambda _source, step: recorder.add(step)
    )
    portal = recorder.page = await context.new_page()
    await portal.goto(url)

    async def allow(*_) -> bool:  # a local tool: 127.0.0.1, its own portal page only
        return True

    views = LiveViews("", allow)
    view_id = views.open(portal, "recording")
    app = web.Application()
    app[CLOSING] = opened

    async def page(_request):
        return render("record.html", portal=urlsplit(url).netloc)

    async def socket(request):
        return await views.serve_view(request, view_id)

    async def draft(_request):
        return web.json_response(recorder.draft())

    app.router.add_get("/record", page)
    app.router.add_get("/record/socket", socket)
    app.router.add_get("/draft", draft)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return recorder, runner, browsers


async def stop(runner: web.AppRunner, browsers: BrowserPool) -> None:
    await runner.app[CLOSING].__aexit__(None, None, None)
    await runner.cleanup()
    await browsers.close()


async def record(url: str, port: int) -> None:
    """Until the person presses Ctrl-C; then the draft entry, on stdout."""
    recorder, runner, browsers = await start(url, port)
    bound = runner.addresses[0][1]
    print(
        f"Open http://127.0.0.1:{bound}/record and sign in to the portal as a person "
        "would; Ctrl-C when signed in. The draft is at /draft meanwhile.",
        file=sys.stderr,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await stop(runner, browsers)
        print(json.dumps(recorder.draft(), indent=1))


def main(url: str, port: int) -> int:
    # Ctrl-C is how a recording ends; the draft is printed on the way out.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(record(url, port))
    return 0
