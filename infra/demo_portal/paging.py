"""What both demo frontends serve alike: a page of an account's documents, a PDF."""

from dataclasses import dataclass

from aiohttp import web

from infra.demo_portal.data import Account, Invoice, PortalSpec, invoices_for
from infra.demo_portal.pdf import render_invoice


@dataclass(frozen=True)
class Page:
    number: int
    invoices: list[Invoice]
    more: bool  # another page follows


def page_of(request: web.Request, spec: PortalSpec, account: Account) -> Page:
    invoices = invoices_for(spec, account)
    try:
        number = max(1, int(request.query.get("page", "1")))
    except ValueError:
        number = 1
    chunk = invoices[(number - 1) * spec.page_size : number * spec.page_size]
    return Page(number, chunk, number * spec.page_size < len(invoices))


def pdf_response(request: web.Request, spec: PortalSpec, account: Account):
    for inv in invoices_for(spec, account):
        if inv.id == request.match_info["id"]:
            body = render_invoice(spec.name, inv)
            return web.Response(body=body, content_type="application/pdf")
    raise web.HTTPNotFound()
