"""The live view, worker side: a portal page waiting for a person (a captcha, an
approval in the supplier's app) is shown as screenshots over a websocket, and the
person's clicks and keys are relayed to that page and nowhere else, while the run
waits. The web opens it for the tenant that owns the connection, with a one-time
ticket whose sha256 it stored on the connection; nothing the person types is logged.

Protocol (the web relays it unchanged): the worker sends {"viewport": [w, h]}, then
JPEG frames as binary messages, then {"state": "done"} when the run goes on; the
viewer sends {"click": [x, y]}, {"key": "Enter"} or {"text": "abc"}."""

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

FRAME_SECONDS = 0.3  # a new screenshot this often, when the page changed
MAX_TEXT = 100
KEYS = {  # keys a person needs on a sign-in page; no shortcuts, no navigation
    "Enter", "Tab", "Backspace", "Delete", "Escape", "Space",
    "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End",
}  # fmt: skip

Verify = Callable[[str, str, str], Awaitable[bool]]  # connection, view, ticket


@dataclass
class View:
    page: object
    connection_id: str
    done: asyncio.Event = field(default_factory=asyncio.Event)


class LiveViews:
    """The views of this worker's runs, by view id (random, never guessable)."""

    def __init__(self, address: str, verify: Verify | None = None) -> None:
        self.address = address.rstrip("/")
        self.verify = verify
        self.views: dict[str, View] = {}

    def open(self, page, connection_id: str) -> str:
        view_id = secrets.token_urlsafe(18)
        self.views[view_id] = View(page, connection_id)
        return view_id

    def close(self, view_id: str) -> None:
        if (view := self.views.pop(view_id, None)) is not None:
            view.done.set()

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/live/{view_id}", self.serve)

    async def serve(self, request: web.Request) -> web.StreamResponse:
        return await self.serve_view(request, request.match_info["view_id"])

    async def serve_view(self, request: web.Request, view_id: str):
        view = self.views.get(view_id)
        ticket = request.query.get("ticket", "")
        if view is None or self.verify is None:
            raise web.HTTPNotFound()
        if not await self.verify(view.connection_id, view_id, ticket):
            raise web.HTTPForbidden()
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        size = view.page.viewport_size or {"width": 1280, "height": 900}
        await ws.send_json({"viewport": [size["width"], size["height"]]})
        frames = asyncio.create_task(_frames(ws, view))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    await relay(view.page, json.loads(msg.data), size)
                except (ValueError, TypeError, KeyError):
                    await ws.send_json({"error": "not an input this view takes"})
                except Exception as exc:  # noqa: BLE001 - the page went away
                    log.info(
                        "live view %s: input not relayed: %s",
                        view_id,
                        type(exc).__name__,
                    )
        finally:
            frames.cancel()
            await asyncio.gather(frames, return_exceptions=True)
        return ws


async def _frames(ws: web.WebSocketResponse, view: View) -> None:
    last = b""
    while not ws.closed:
        if view.done.is_set():
            await ws.send_json({"state": "done"})
            await ws.close()
            return
        try:
            frame = await view.page.screenshot(type="jpeg", quality=60)
        except Exception:  # noqa: BLE001 - the page closed: the run ended
            view.done.set()
            continue
        if frame != last:
            await ws.send_bytes(frame)
            last = frame
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(view.done.wait(), FRAME_SECONDS)


async def relay(page, message: dict, size: dict) -> None:
    """One input of the person's to the portal's page; anything else is refused.
    Never logged: it may be what they type."""
    if "click" in message:
        x, y = (float(v) for v in message["click"])
        if not (0 <= x <= size["width"] and 0 <= y <= size["height"]):
            raise ValueError("outside the page")
        await page.mouse.click(x, y)
    elif "key" in message:
        key = str(message["key"])
        if key not in KEYS:
            raise ValueError("not a key this view relays")
        await page.keyboard.press(" " if key == "Space" else key)
    elif "text" in message:
        text = str(message["text"])
        if len(text) > MAX_TEXT or not text.isprintable():
            raise ValueError("not text this view relays")
        await page.keyboard.type(text)
    else:
        raise KeyError("no input")


def ticket_hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def same_ticket(ticket: str, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(
        ticket_hash(ticket), stored_hash
    )


def viewer_check(connections) -> Verify:
    """The worker lets in whoever holds the ticket the web stored the hash of on the
    connection's open challenge, for that view only."""

    async def verify(connection_id: str, view_id: str, ticket: str) -> bool:
        conn = await connections.get(connection_id)
        view = conn.challenge.live_view if conn and conn.challenge else None
        return (
            view is not None
            and view.view_id == view_id
            and same_ticket(ticket, view.viewer_hash)
        )

    return verify
