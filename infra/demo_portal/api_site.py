"""A single-page-app demo portal: a JavaScript shell over a JSON API with bearer tokens.

Two API shapes (brightline, ledgerly) differ in paths, field names and pagination, so
one engine with two catalog entries reads both.
"""

import html

from aiohttp import web

from infra.demo_portal.auth import Outcome, PortalState
from infra.demo_portal.data import Invoice
from infra.demo_portal.paging import page_of, pdf_response

SHELL = """<!doctype html><html><head><title>{name}</title></head><body>
<div id="app">Loading {name}...</div>
<script>
// The real portal renders everything from the API below; Billhound calls it directly.
fetch("{api}/documents?page=1", {{headers: {{Authorization: "Bearer " +
  sessionStorage.getItem("token")}}}}).then(r => r.json()).then(d =>
  document.getElementById("app").textContent = JSON.stringify(d));
</script></body></html>"""

ERRORS = {
    Outcome.WRONG: (401, "invalid_login"),
    Outcome.UNKNOWN: (401, "unknown_account"),
    Outcome.SSO: (403, "sso_required"),
    Outcome.LOCKED: (423, "account_locked"),
    Outcome.ACTION: (403, "terms_not_accepted"),
}


def brightline_item(inv: Invoice, base: str) -> dict:
    return {
        "id": inv.id,
        "type": "CREDIT_NOTE" if inv.kind == "credit_note" else "INVOICE",
        "attributes": {
            "number": inv.number,
            "issuedAt": inv.issued_on.isoformat(),
            "amount": {"value": str(inv.total), "currency": inv.currency},
        },
        "links": {"pdf": f"{base}/documents/{inv.id}/pdf"},
    }


def ledgerly_item(inv: Invoice, base: str) -> dict:
    return {
        "invoice_uid": inv.id,
        "doc_no": inv.number,
        "date": inv.issued_on.strftime("%d/%m/%Y"),
        "category": "credit" if inv.kind == "credit_note" else "sale",
        "gross": f"{inv.total:.2f}",
        "ccy": inv.currency,
        "file": f"{base}/documents/{inv.id}/pdf",
    }


SHAPES = {
    "brightline": ("/api/v1", "token", brightline_item),
    "ledgerly": ("/rest/2", "access_token", ledgerly_item),
}


def add_routes(app: web.Application, state: PortalState) -> None:
    spec = state.spec
    base, token_key, item = SHAPES[spec.api_shape]

    def fail(outcome: Outcome) -> web.Response:
        status, code = ERRORS[outcome]
        body = {"error": {"code": code}}
        if outcome is Outcome.ACTION:
            body["error"]["action_url"] = "/account/terms"
        return web.json_response(body, status=status)

    def signed_in(account) -> web.Response:
        token, _ = state.open_session(account)
        return web.json_response({token_key: token})

    async def shell(request):
        page = SHELL.format(name=html.escape(spec.name), api=base)
        return web.Response(text=page, content_type="text/html")

    async def login(request):
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": {"code": "bad_request"}}, status=400)
        outcome, account = state.authenticate(
            str(body.get("login", "")), str(body.get("password", "")), None
        )
        if outcome is Outcome.OK:
            return signed_in(account)
        if outcome in (Outcome.TOTP, Outcome.SENT):
            method = "totp" if outcome is Outcome.TOTP else "sms"
            phone = (account.phone or "")[-2:]
            return web.json_response(
                {
                    "mfa": {
                        "method": method,
                        "ticket": state.start_pending(account),
                        "destination": f"phone ending {phone}" if phone else None,
                    }
                }
            )
        return fail(outcome)

    async def mfa(request):
        body = await request.json()
        outcome, account = state.verify(str(body.get("ticket")), str(body.get("code")))
        if outcome is Outcome.OK:
            return signed_in(account)
        if outcome is Outcome.EXPIRED:
            return web.json_response(
                {"error": {"code": "challenge_expired"}}, status=410
            )
        return web.json_response({"error": {"code": "invalid_code"}}, status=401)

    def account_of(request):
        auth = request.headers.get("Authorization", "")
        return state.session_account(auth.removeprefix("Bearer "))

    async def documents(request):
        page = page_of(request, spec, account_of(request))
        items = [item(inv, base) for inv in page.invoices]
        number, more = page.number, page.more
        if spec.api_shape == "ledgerly":
            body = {"results": items, "next_page": number + 1 if more else None}
        else:
            nxt = f"{base}/documents?page={number + 1}" if more else None
            body = {"data": items, "links": {"next": nxt}, "meta": {"page": number}}
        if state.behaviour.layout_changed:  # a new API version renamed the list
            body = {"items_v2": items}
        return web.json_response(body)

    async def pdf(request):
        return pdf_response(request, spec, account_of(request))

    app.router.add_get("/", shell)
    app.router.add_post(f"{base}/session", login)
    app.router.add_post(f"{base}/session/mfa", mfa)
    app.router.add_get(f"{base}/documents", documents)
    app.router.add_get(base + "/documents/{id}/pdf", pdf)
