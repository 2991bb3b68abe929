"""A demo portal only a real browser can use: the page is built by script, the login
sends a proof the script computes from a one-time nonce (never the password), and
documents download as a link or as a blob the script makes. Paging is a "Load more"
button or a "Next page" button. The HTTP engines cannot read it; the browser engine
does, from its catalog entry."""

import hashlib
import html
import json
import secrets

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

SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>__NAME__</title>
<style>
body { font-family: sans-serif; margin: 2rem; } .error { color: #b00; }
table { border-collapse: collapse; } td, th { padding: .3rem .8rem; }
</style></head><body>
<header><h1>__NAME__</h1><nav id="nav"></nav></header>
<main id="app">Loading...</main>
<script>
const CONFIG = __CONFIG__;
const app = document.getElementById("app");
const el = (tag, attrs = {}, text = "") => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
};
async function hex(text) {
  const data = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, "0")).join("");
}
function showError(form, message) {
  const box = form.querySelector(".error");
  box.textContent = message; box.hidden = false;
}
function showLogin() {
  app.innerHTML = `<h2>Sign in</h2><form id="login-form">
    <label>Email <input id="email" autocomplete="username"></label>
    <label>Password <input id="password" type="password"></label>
    <button id="sign-in" type="submit">Sign in</button>
    <p class="error" hidden></p></form>`;
  const form = document.getElementById("login-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const login = document.getElementById("email").value;
    const { nonce } = await (await fetch("/app/challenge")).json();
    const proof = await hex(nonce + ":" + document.getElementById("password").value);
    const resp = await fetch("/app/session", { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ login, nonce, proof }) });
    const body = await resp.json();
    if (body.ok) return showList();
    if (body.mfa) return showCode(body.mfa.ticket);
    if (body.captcha) return showCaptcha(body.captcha.ticket);
    if (body.approval) return showApproval(body.approval.ticket);
    showError(form, body.error.message);
  });
}
function showCaptcha(ticket) {
  app.innerHTML = `<h2>Is this a new device?</h2><form id="captcha-form">
    <p>Type the letters in the picture.</p>
    <img id="captcha-image" src="/app/captcha/${ticket}.svg" alt="letters to type">
    <input id="captcha" autocomplete="off" aria-label="The letters"
      style="position: absolute; left: 40px; top: 330px; width: 240px; height: 32px;">
    <button id="check" type="submit"
      style="position: absolute; left: 300px; top: 330px; height: 38px;">Check</button>
    <p class="error" hidden style="position: absolute; left: 40px; top: 380px;"></p>
    </form>`;
  const form = document.getElementById("captcha-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = document.getElementById("captcha").value;
    const resp = await fetch("/app/session/captcha", { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ticket, answer }) });
    const body = await resp.json();
    if (body.ok) return showList();
    showError(form, body.error.message);
  });
}
function showApproval(ticket) {
  app.innerHTML = `<h2>Approve this sign-in</h2><div id="approval-wait">
    <p>Open the app on your phone and approve this sign-in.</p></div>`;
  const poll = async () => {
    const resp = await fetch("/app/session/approval/" + ticket, { method: "POST" });
    const body = await resp.json();
    if (body.ok) return showList();
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}
function showCode(ticket) {
  app.innerHTML = `<h2>Two-step verification</h2><form id="otp-form">
    <label>Code from your authenticator app <input id="otp" inputmode="numeric"></label>
    <button id="verify" type="submit">Verify</button>
    <p class="error" hidden></p></form>`;
  const form = document.getElementById("otp-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = document.getElementById("otp").value;
    const resp = await fetch("/app/session/otp", { method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ticket, code }) });
    const body = await resp.json();
    if (body.ok) return showList();
    showError(form, body.error.message);
  });
}
async function download(item) {
  const blob = await (await fetch(item.file)).blob();
  const href = URL.createObjectURL(blob);
  const link = el("a", { href, download: item.number + ".pdf" });
  document.body.appendChild(link); link.click(); link.remove();
}
function row(item) {
  const tr = el("tr", { class: "invoice", "data-id": item.id });
  for (const key of ["number", "date", "kind", "total", "currency"])
    tr.appendChild(el("td", { class: key }, item[key]));
  const cell = el("td");
  if (CONFIG.download === "blob") {
    const button = el("button", { class: "download", type: "button" }, "Download");
    button.addEventListener("click", () => download(item));
    cell.appendChild(button);
  } else {
    cell.appendChild(el("a", { class: "pdf", href: item.file }, "PDF"));
  }
  tr.appendChild(cell);
  return tr;
}
async function showList() {
  document.getElementById("nav").innerHTML = '<span id="account">Signed in</span>';
  app.innerHTML = `<h2>Your invoices</h2><table class="${CONFIG.table}"><thead><tr>
    <th>Number</th><th>Date</th><th>Type</th><th>Total</th><th></th><th></th>
    </tr></thead><tbody></tbody></table><p id="pager"></p>`;
  await loadPage(1);
}
async function loadPage(n) {
  const resp = await fetch("/app/documents?page=" + n);
  if (resp.status === 401) return showLogin();
  const body = await resp.json();
  const tbody = app.querySelector("tbody");
  if (CONFIG.paging === "next") tbody.innerHTML = "";
  body.items.forEach(item => tbody.appendChild(row(item)));
  const pager = document.getElementById("pager");
  pager.innerHTML = "";
  if (!body.more) return;
  const label = CONFIG.paging === "more" ? "Load more" : "Next page";
  const button = el("button", { id: CONFIG.paging, type: "button" }, label);
  button.addEventListener("click", () => { button.disabled = true; loadPage(n + 1); });
  pager.appendChild(button);
}
fetch("/app/me").then(r => r.ok ? showList() : showLogin());
</script></body></html>"""


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

    async def shell(request):
        config = {
            "download": spec.download,
            "paging": spec.paging,
            # A redesign renames the list: the catalog's table is gone.
            "table": "statements" if state.behaviour.layout_changed else "invoices",
        }
        page = SHELL.replace("__NAME__", html.escape(spec.name))
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
        username = state.sessions.get(request.cookies.get(COOKIE, ""))
        account = spec.account(username) if username else None
        if account is None:
            raise web.HTTPUnauthorized(
                text='{"error": {"code": "unauthorized"}}',
                content_type="application/json",
            )
        return account

    async def me(request):
        return web.json_response({"customer": account_of(request).customer})

    async def documents(request):
        page = page_of(request, spec, account_of(request))
        items = [item(inv, spec) for inv in page.invoices]
        return web.json_response({"items": items, "more": page.more})

    async def pdf(request):
        return pdf_response(request, spec, account_of(request))

    app.router.add_get("/", shell)
    app.router.add_get("/app/challenge", challenge)
    app.router.add_post("/app/session", login)
    app.router.add_post("/app/session/otp", otp)
    app.router.add_post("/app/session/captcha", solve)
    app.router.add_post("/app/session/approval/{ticket}", approval)
    app.router.add_get("/app/captcha/{ticket}.svg", captcha_image)
    app.router.add_get("/app/me", me)
    app.router.add_get("/app/documents", documents)
    app.router.add_get("/app/documents/{id}.pdf", pdf)
