"""The Northwind-style demo portal: login form with CSRF, paginated invoices, PDFs.

It keeps its own error page for a wrong password, counts login attempts per username
(GET /_demo/stats) so tests can prove nothing was retried, and lets a test change an
account's password (POST /_demo/accounts/{username}/password) to break a connection.
"""

import html
import secrets
from collections import Counter

from aiohttp import web

from infra.demo_portal.data import PortalSpec, invoices_for
from infra.demo_portal.pdf import render_invoice

SPEC = web.AppKey("spec", PortalSpec)
STATE = web.AppKey("state", dict)


def create_app(spec: PortalSpec) -> web.Application:
    app = web.Application()
    app[SPEC] = spec
    app[STATE] = {
        "passwords": {a.username: a.password for a in spec.accounts},
        "sessions": {},  # session token -> username
        "attempts": Counter(),
    }
    app.router.add_get("/", home)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_get("/account/invoices", invoice_list)
    app.router.add_get("/account/invoices/{id}.pdf", invoice_pdf)
    app.router.add_get("/_demo/stats", stats)
    app.router.add_post("/_demo/accounts/{username}/password", set_password)
    app.router.add_post("/_demo/reset-stats", reset_stats)
    return app


async def home(request: web.Request) -> web.Response:
    raise web.HTTPFound("/login")


def page(spec: PortalSpec, body: str, status: int = 200) -> web.Response:
    text = (
        f"<!doctype html><html><head><title>{html.escape(spec.name)}</title></head>"
        f"<body><header><h1>{html.escape(spec.name)} - My Account</h1></header>"
        f"<main>{body}</main></body></html>"
    )
    return web.Response(text=text, status=status, content_type="text/html")


def _form(token: str, error: str | None = None) -> str:
    alert = (
        f'<p class="alert" id="login-error">{html.escape(error)}</p>' if error else ""
    )
    return (
        f'{alert}<form id="login" method="post" action="/login">'
        f'<input type="hidden" name="csrf_token" value="{token}">'
        '<label>Username <input name="username"></label>'
        '<label>Password <input type="password" name="password"></label>'
        '<button type="submit">Sign in</button></form>'
    )


async def login_form(request: web.Request, error: str | None = None) -> web.Response:
    token = secrets.token_urlsafe(16)
    resp = page(request.app[SPEC], _form(token, error))
    resp.set_cookie("csrf", token, httponly=True, samesite="Strict")
    return resp


async def login(request: web.Request) -> web.Response:
    state, form = request.app[STATE], await request.post()
    if not form.get("csrf_token") or form.get("csrf_token") != request.cookies.get(
        "csrf"
    ):
        return page(request.app[SPEC], "<p>Your session expired. Reload.</p>", 403)
    username = str(form.get("username", ""))
    state["attempts"][username] += 1
    if state["passwords"].get(username) != form.get("password"):
        return await login_form(request, "The username or password is incorrect.")
    token = secrets.token_urlsafe(24)
    state["sessions"][token] = username
    resp = web.HTTPFound("/account/invoices")
    resp.set_cookie("session", token, httponly=True, samesite="Lax")
    raise resp


def _account(request: web.Request):
    username = request.app[STATE]["sessions"].get(request.cookies.get("session", ""))
    if username is None:
        raise web.HTTPFound("/login")
    spec = request.app[SPEC]
    return spec, next(a for a in spec.accounts if a.username == username)


async def invoice_list(request: web.Request) -> web.Response:
    spec, account = _account(request)
    invoices = invoices_for(spec, account)
    try:
        number = max(1, int(request.query.get("page", "1")))
    except ValueError:
        number = 1
    chunk = invoices[(number - 1) * spec.page_size : number * spec.page_size]
    rows = "".join(
        f'<tr class="invoice" data-invoice-id="{inv.id}">'
        f'<td class="number">{inv.number}</td><td class="date">{inv.issued_on}</td>'
        f'<td class="kind">{inv.kind}</td>'
        f'<td class="total" data-currency="{inv.currency}">{inv.total}</td>'
        f'<td><a class="download" href="/account/invoices/{inv.id}.pdf">PDF</a></td>'
        "</tr>"
        for inv in chunk
    )
    nav = ""
    if number * spec.page_size < len(invoices):
        nav = f'<a class="next" href="/account/invoices?page={number + 1}">Next</a>'
    body = (
        f"<h2>Invoices for {html.escape(account.customer)}</h2>"
        f'<table class="invoices"><tbody>{rows}</tbody></table>'
        f'<nav class="pagination">{nav}</nav>'
    )
    return page(spec, body)


async def invoice_pdf(request: web.Request) -> web.Response:
    spec, account = _account(request)
    wanted = request.match_info["id"]
    for inv in invoices_for(spec, account):
        if inv.id == wanted:
            return web.Response(
                body=render_invoice(spec.name, inv), content_type="application/pdf"
            )
    raise web.HTTPNotFound()


async def stats(request: web.Request) -> web.Response:
    return web.json_response({"login_attempts": dict(request.app[STATE]["attempts"])})


async def reset_stats(request: web.Request) -> web.Response:
    request.app[STATE]["attempts"].clear()
    return web.json_response({"ok": True})


async def set_password(request: web.Request) -> web.Response:
    body = await request.json()
    state = request.app[STATE]
    username = request.match_info["username"]
    if username not in state["passwords"]:
        raise web.HTTPNotFound()
    state["passwords"][username] = str(body["password"])
    return web.json_response({"ok": True})
