"""A server-rendered demo portal: login form with CSRF, 2-factor, paginated documents.

The markup comes from a skin (skins/*.html); the behaviour from auth.PortalState.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

import jinja2
from aiohttp import web

from infra.demo_portal.auth import Outcome, PortalState
from infra.demo_portal.data import Account, Invoice
from infra.demo_portal.paging import links, page_of, pdf_response, rows_of

SKINS = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("skins")),
    autoescape=True,
)


@dataclass(frozen=True)
class Skin:
    login_path: str
    code_path: str
    fields: tuple[str, str, str, str]  # csrf, login, password, code
    kinds: tuple[str, str]  # how it writes invoice, credit note
    symbols: bool = False  # "£12.00" rather than "12.00"


SKIN = {
    "classic": Skin(
        "/login",
        "/login/code",
        ("csrf_token", "username", "password", "code"),
        ("invoice", "credit_note"),
    ),
    "cards": Skin(
        "/ap/signin",
        "/ap/mfa",
        ("authenticity_token", "email", "password", "otpCode"),
        ("Invoice", "Credit note"),
        symbols=True,
    ),
    "ledger": Skin(
        "/logon.do",
        "/logon/verify",
        ("_csrf", "user_id", "passwd", "otp"),
        ("BILL", "CREDIT"),
        symbols=True,
    ),
    "portal": Skin(
        "/auth/signin",
        "/auth/mfa",
        ("token", "email", "pwd", "otp_code"),
        ("Invoice", "Credit memo"),
    ),
    "legacy": Skin("/cgi/login", "/cgi/code", ("sid", "uid", "pw", "c"), ("INV", "CR")),
    "minimal": Skin(
        "/session",
        "/session/code",
        ("csrf", "user", "pass", "code"),
        ("invoice", "credit"),
    ),
}
SYMBOL = {"GBP": "£", "EUR": "€", "USD": "$"}
MESSAGES = {
    Outcome.WRONG: "The username or password is incorrect.",
    Outcome.UNKNOWN: "We cannot find an account with that login.",
    Outcome.SSO: "This account uses single sign-on. Sign in with your organisation.",
    Outcome.LOCKED: "Your account is locked after too many failed sign-in attempts.",
    Outcome.ACTION: "Our terms have changed: please accept the new terms to continue.",
}


def add_routes(app: web.Application, state: PortalState) -> None:
    spec, skin = state.spec, SKIN[state.spec.skin]
    macros = SKINS.get_template(f"{spec.skin}.html").module
    changed = SKINS.get_template("changed.html").module
    csrf_f, login_f, password_f, code_f = skin.fields

    def html(text: str, status: int = 200) -> web.Response:
        return web.Response(text=text, status=status, content_type="text/html")

    def with_csrf(render) -> web.Response:
        token = secrets.token_urlsafe(16)
        resp = html(render(token))
        resp.set_cookie("csrf", token, httponly=True, samesite="Strict")
        return resp

    def login_page(error=None, action_link=None) -> web.Response:
        return with_csrf(lambda t: macros.login(spec.name, t, error, action_link))

    def otp_page(account: Account, error=None) -> web.Response:
        medium = "totp" if account.two_factor == "totp" else "sms"
        where = f"phone ending {(account.phone or '')[-2:]}"
        return with_csrf(lambda t: macros.otp(spec.name, t, medium, where, error))

    def signed_in(account: Account) -> web.Response:
        token, device = state.open_session(account)
        resp = web.HTTPFound(spec.documents_path)
        resp.set_cookie("session", token, httponly=True, samesite="Lax")
        resp.set_cookie("device", device, httponly=True, max_age=90 * 86400)
        raise resp

    def csrf_ok(request, form) -> bool:
        sent = form.get(csrf_f)
        return bool(sent) and sent == request.cookies.get("csrf")

    async def home(request):
        raise web.HTTPFound(skin.login_path)

    async def show_login(request):
        return login_page()

    async def do_login(request):
        form = await request.post()
        if not csrf_ok(request, form):
            return html("<p>Your session expired. Reload the page.</p>", 403)
        outcome, account = state.authenticate(
            str(form.get(login_f, "")),
            str(form.get(password_f, "")),
            request.cookies.get("device"),
        )
        if outcome is Outcome.OK and account is not None:
            signed_in(account)
        if outcome in (Outcome.TOTP, Outcome.SENT) and account is not None:
            resp = otp_page(account)
            resp.set_cookie("pending", state.start_pending(account), httponly=True)
            return resp
        link = "/terms" if outcome is Outcome.ACTION else None
        return login_page(MESSAGES[outcome], link)

    async def do_code(request):
        form = await request.post()
        if not csrf_ok(request, form):
            return html("<p>Your session expired. Reload the page.</p>", 403)
        outcome, account = state.verify(
            request.cookies.get("pending", ""), str(form.get(code_f, ""))
        )
        if outcome is Outcome.OK and account is not None:
            signed_in(account)
        if outcome is Outcome.WRONG and account is not None:
            return otp_page(account, "That code is not right.")
        return login_page("The code expired. Sign in again.")

    def row(inv: Invoice, href: str) -> dict:
        total = f"{abs(inv.total):,.2f}"
        if spec.decimal_comma:
            total = total.replace(",", " ").replace(".", ",").replace(" ", ".")
        sign = "-" if inv.total < 0 else ""
        symbol = SYMBOL.get(inv.currency, "") if skin.symbols else ""
        return {
            "id": inv.id,
            "number": inv.number,
            "date": inv.issued_on.strftime(spec.date_format),
            "iso": inv.issued_on.isoformat(),
            "kind": skin.kinds[inv.kind == "credit_note"],
            "total": f"{sign}{total}",
            "symbol": symbol,
            "currency": inv.currency,
            "href": href,
        }

    def account_of(request) -> Account:
        username = state.sessions.get(request.cookies.get("session", ""))
        account = spec.account(username) if username else None
        if account is None:
            raise web.HTTPFound(skin.login_path)
        return account

    async def documents(request):
        account = account_of(request)
        page = page_of(request, spec, account)
        nested = "n" in request.match_info
        nxt = links(spec, page, "", nested)[0]
        render = changed if state.behaviour.layout_changed else macros
        rows = [
            row(shown, href)
            for inv in page.invoices
            for shown, href in rows_of(
                account, inv, links(spec, page, inv.id, nested)[1]
            )
        ]
        return html(render.documents(spec.name, account.customer, rows, nxt))

    async def pdf(request):
        return pdf_response(request, spec, account_of(request))

    app.router.add_get("/", home)
    app.router.add_get(skin.login_path, show_login)
    app.router.add_post(skin.login_path, do_login)
    app.router.add_post(skin.code_path, do_code)
    app.router.add_get(spec.documents_path, documents)
    app.router.add_get(spec.documents_path + "/page/{n:[0-9]+}", documents)
    app.router.add_get(spec.documents_path + "/{id}.pdf", pdf)
    app.router.add_get(spec.documents_path + "/{id}.xml", pdf)
