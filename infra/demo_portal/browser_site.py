"""A demo portal only a real browser can use: the page is built by script, the login
sends a proof the script computes from a one-time nonce (never the password), and
documents download as a link or as a blob the script makes. Paging is a "Load more"
button or a "Next page" button. The HTTP engines cannot read it; the browser engine
does, from its catalog entry."""

import functools
import hashlib
import html
import json
import secrets
from pathlib import Path

from aiohttp import web

from infra.demo_portal.auth import Outcome, PortalState
from infra.demo_portal.data import Invoice
from infra.demo_portal.paging import page_of, pdf_response

MESSAGES = {
    Outcome.WRONG: (401, "Wrong email or password."),
    Outcome.UNKNOWN: (401, "We have no account with that email."),
    Outcome.SSO: (403, "This account signs in with your company's single sign-on."),
    Outcome.LOCKED: (423, "Your account is locked. Call us to unlock it."),
    Outcome.ACTION: (403, "Please accept our new terms of use first."),
}
COOKIE, DEVICE = "sid", "device"


@functools.cache
def shell() -> str:
    """The app's page: its script builds everything (browser_app.html)."""
    return Path(__file__).with_name("browser_app.html").read_text()


def item(inv: Invoice, spec) -> dict:
    total = f"{inv.total:,.2f}"
    if spec.decimal_comma:
        total = total.replace(",", " ").replace(".", ",").replace(" ", ".")
    return {
        "id": inv.id,
        "number": inv.number,
        "date": inv.issued_on.strftime(spec.date_format),
        "kind": "Credit note" if inv.kind == "credit_note" else "Invoice",
        "total": total,
        "currency": inv.currency,
        "file": f"/app/documents/{inv.id}.pdf",
    }


def proof(nonce: str, password: str) -> str:
    return hashlib.sha256(f"{nonce}:{password}".encode()).hexdigest()


def add_routes(app: web.Application, state: PortalState) -> None:
    spec = state.spec
    nonces: set[str] = set()

    async def app_page(request):
        config = {
            "download": spec.download,
            "paging": spec.paging,
            # A redesign renames the list: the catalog's table is gone.
            "table": "statements" if state.behaviour.layout_changed else "invoices",
        }
        page = shell().replace("__NAME__", html.escape(spec.name))
        page = page.replace("__CONFIG__", json.dumps(config))
        return web.Response(text=page, content_type="text/html")

    async def challenge(request):
        nonce = secrets.token_urlsafe(16)
        nonces.add(nonce)
        return web.json_response({"nonce": nonce})

    def refused(outcome: Outcome) -> web.Response:
        status, message = MESSAGES[outcome]
        body = {"error": {"code": outcome.value, "message": message}}
        return web.json_response(body, status=status)

    def signed_in(account) -> web.Response:
        token, device = state.open_session(account)
        resp = web.json_response({"ok": True})
        resp.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        # This device is trusted from now on: no captcha on its next sign-in.
        resp.set_cookie(DEVICE, device, httponly=True, max_age=365 * 86400)
        return resp

    def new_device(request, account) -> bool:
        trusted = state.trusted.get(request.cookies.get(DEVICE, ""))
        return trusted != account.username

    async def approval(request):
        account = state.approved(request.match_info["ticket"])
        if account is None:
            return web.json_response({"ok": False, "waiting": True})
        return signed_in(account)

    async def captcha_image(request):
        _, answer = state.captchas.get(request.match_info["ticket"], ("", "?????"))
        letters = "".join(
            f'<text x="{20 + 44 * i}" y="{58 + (i % 2) * 10}" '
            f'transform="rotate({(-1) ** i * 8} {20 + 44 * i} 58)">{c}</text>'
            for i, c in enumerate(answer)
        )
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="260" height="90">'
            '<rect width="260" height="90" fill="#eef"/><g font-size="40" '
            f'font-family="monospace" fill="#225">{letters}</g>'
            '<path d="M0 50 C 80 10, 160 90, 260 40" stroke="#99a" fill="none"/></svg>'
        )
        return web.Response(text=svg, content_type="image/svg+xml")

    async def solve(request):
        body = await request.json()
        account = state.solve_captcha(str(body.get("ticket")), str(body.get("answer")))
        if account is None:
            return web.json_response(
                {"error": {"code": "captcha", "message": "That is not what it says."}},
                status=401,
            )
        return signed_in(account)

    async def login(request):
        body = await request.json()
        nonce, login_ = str(body.get("nonce", "")), str(body.get("login", ""))
        if nonce not in nonces:  # a replayed or made-up proof
            return web.json_response({"error": {"code": "bad_nonce"}}, status=400)
        nonces.discard(nonce)
        account = spec.account(login_)
        password = ""
        if account is not None:
            real = state.passwords[account.username]
            if secrets.compare_digest(proof(nonce, real), str(body.get("proof", ""))):
                password = real
        outcome, account = state.authenticate(login_, password or "\0", None)
        fresh = outcome is Outcome.OK and new_device(request, account)
        if fresh and account.captcha:
            return web.json_response(
                {"captcha": {"ticket": state.start_captcha(account)}}
            )
        if fresh and account.app_approval:
            ticket = state.start_approval(account)
            return web.json_response({"approval": {"ticket": ticket}})
        if outcome is Outcome.OK:
            return signed_in(account)
        if outcome is Outcome.TOTP:
            return web.json_response({"mfa": {"ticket": state.start_pending(account)}})
        if outcome is Outcome.SENT:  # this portal's 2-factor is an authenticator
            outcome = Outcome.WRONG
        return refused(outcome)

    async def otp(request):
        body = await request.json()
        outcome, account = state.verify(str(body.get("ticket")), str(body.get("code")))
        if outcome is Outcome.OK:
            return signed_in(account)
        message = "That code is not right." if outcome is Outcome.WRONG else "Expired."
        return web.json_response(
            {"error": {"code": outcome.value, "message": message}}, status=401
        )

    def account_of(request):
        return state.session_account(request.cookies.get(COOKIE, ""))

    async def me(request):
        return web.json_response({"customer": account_of(request).customer})

    async def documents(request):
        page = page_of(request, spec, account_of(request))
        items = [item(inv, spec) for inv in page.invoices]
        return web.json_response({"items": items, "more": page.more})

    async def pdf(request):
        return pdf_response(request, spec, account_of(request))

    app.router.add_get("/", app_page)
    app.router.add_get("/app/challenge", challenge)
    app.router.add_post("/app/session", login)
    app.router.add_post("/app/session/otp", otp)
    app.router.add_post("/app/session/captcha", solve)
    app.router.add_post("/app/session/approval/{ticket}", approval)
    app.router.add_get("/app/captcha/{ticket}.svg", captcha_image)
    app.router.add_get("/app/me", me)
    app.router.add_get("/app/documents", documents)
    app.router.add_get("/app/documents/{id}.pdf", pdf)
