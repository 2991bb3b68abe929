"""A demo supplier portal as an aiohttp app: the site for its frontend, the behaviours
tests switch on (maintenance, 429, slow pages, a changed layout) and /_demo endpoints.

/_demo/stats counts login attempts, codes sent and requests, so tests can prove nothing
was retried; /_demo/codes/{login} is the 'SMS outbox'; /_demo/accounts/{login}/password
changes a password to break a connection, /_demo/accounts/{login}/sign-out ends its
sessions; /_demo/behaviour and /_demo/reset steer it.
"""

import asyncio
import dataclasses
import time

from aiohttp import web

from infra.demo_portal import api_site, browser_site, html_site
from infra.demo_portal.auth import PortalState
from infra.demo_portal.data import PortalSpec

STATE = web.AppKey("state", PortalState)


@web.middleware
async def behaviours(request: web.Request, handler):
    state = request.app[STATE]
    if request.path.startswith("/_demo/"):
        return await handler(request)
    state.requests[request.path] += 1
    state.request_times.append(time.monotonic())
    state.in_flight += 1
    state.peak_in_flight = max(state.peak_in_flight, state.in_flight)
    state.window = (state.window[0] or time.time(), time.time())
    try:
        return await _behave(request, handler)
    finally:
        state.in_flight -= 1
        state.window = (state.window[0], time.time())


async def _behave(request: web.Request, handler):
    state = request.app[STATE]
    b = state.behaviour
    headers = {"Retry-After": str(b.retry_after)}
    if b.maintenance:
        return web.Response(
            status=503,
            headers=headers,
            text="<h1>Down for maintenance</h1><p>Back soon.</p>",
            content_type="text/html",
        )
    if b.rate_limited:
        return web.Response(status=429, headers=headers, text="Too many requests")
    if b.slow_seconds:
        await asyncio.sleep(b.slow_seconds)
    pdf = request.path.endswith(("pdf", ".pdf"))
    if pdf and (b.broken_downloads or f"/{b.broken_document}." in request.path):
        raise web.HTTPNotFound()
    if b.broken_from_page and not pdf and _list_page(request) >= b.broken_from_page:
        raise web.HTTPInternalServerError(text="<h1>Something went wrong</h1>")
    return await handler(request)


def _list_page(request: web.Request) -> int:
    """The number of the document list page asked for (0: not a list page)."""
    spec = request.app[STATE].spec
    if not request.path.startswith(spec.documents_path):
        return 0
    raw = request.match_info.get("n") or request.query.get("page") or "1"
    return int(raw) if raw.isdigit() else 0


def create_app(spec: PortalSpec) -> web.Application:
    app = web.Application(middlewares=[behaviours])
    state = PortalState(spec)
    app[STATE] = state
    if spec.frontend == "spa":
        api_site.add_routes(app, state)
    elif spec.frontend == "browser":
        browser_site.add_routes(app, state)
    else:
        html_site.add_routes(app, state)
    app.router.add_get("/_demo/stats", stats)
    app.router.add_get("/_demo/codes/{username}", last_code)
    app.router.add_post("/_demo/accounts/{username}/password", set_password)
    app.router.add_post("/_demo/accounts/{username}/sign-out", sign_out)
    app.router.add_post("/_demo/behaviour", set_behaviour)
    app.router.add_get("/_demo/captcha/{username}", captcha)
    app.router.add_post("/_demo/approve/{username}", approve)
    app.router.add_post("/_demo/reset", reset)
    app.router.add_post("/_demo/reset-stats", reset)
    return app


async def stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].stats())


async def last_code(request: web.Request) -> web.Response:
    code, _ = request.app[STATE].codes.get(request.match_info["username"], (None, 0))
    if code is None:
        raise web.HTTPNotFound()
    return web.json_response({"code": code})


async def captcha(request: web.Request) -> web.Response:
    """What the captcha shown to this account says, as a person would read it."""
    answer = request.app[STATE].captcha_answer(request.match_info["username"])
    if answer is None:
        raise web.HTTPNotFound()
    return web.json_response({"answer": answer})


async def approve(request: web.Request) -> web.Response:
    """The account holder approves the waiting sign-in in the supplier's app."""
    if not request.app[STATE].approve(request.match_info["username"]):
        raise web.HTTPNotFound()
    return web.json_response({"ok": True})


async def set_password(request: web.Request) -> web.Response:
    body = await request.json()
    state = request.app[STATE]
    username = request.match_info["username"]
    if username not in state.passwords:
        raise web.HTTPNotFound()
    state.passwords[username] = str(body["password"])
    state.sign_out(username)  # as real portals do when a password changes
    return web.json_response({"ok": True})


async def sign_out(request: web.Request) -> web.Response:
    """End the account's sessions, as a portal's own session timeout would."""
    state = request.app[STATE]
    username = request.match_info["username"]
    if username not in state.passwords:
        raise web.HTTPNotFound()
    state.sign_out(username)
    return web.json_response({"ok": True})


async def set_behaviour(request: web.Request) -> web.Response:
    state = request.app[STATE]
    known = {f.name for f in dataclasses.fields(state.behaviour)}
    changes = await request.json()
    unknown = set(changes) - known
    if unknown:
        return web.json_response({"error": f"unknown: {sorted(unknown)}"}, status=400)
    state.behaviour = dataclasses.replace(state.behaviour, **changes)
    return web.json_response(dataclasses.asdict(state.behaviour))


async def reset(request: web.Request) -> web.Response:
    request.app[STATE].reset()
    return web.json_response({"ok": True})
