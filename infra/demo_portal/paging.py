"""What both demo frontends serve alike: a page of an account's documents, a PDF."""

from dataclasses import dataclass, replace

from aiohttp import web

from infra.demo_portal.data import Account, Invoice, PortalSpec, invoices_for
from infra.demo_portal.einvoice import cii_xml, factur_x
from infra.demo_portal.pdf import render_invoice


@dataclass(frozen=True)
class Page:
    number: int
    invoices: list[Invoice]
    more: bool  # another page follows


def page_of(request: web.Request, spec: PortalSpec, account: Account) -> Page:
    invoices = invoices_for(spec, account)
    try:
        raw = request.match_info.get("n") or request.query.get("page", "1")
        number = max(1, int(raw))
    except ValueError:
        number = 1
    chunk = invoices[(number - 1) * spec.page_size : number * spec.page_size]
    return Page(number, chunk, number * spec.page_size < len(invoices))


def links(
    spec: PortalSpec, page: Page, invoice_id: str, nested: bool
) -> tuple[str | None, str]:
    """The next-page link and a download link as this portal writes them; `nested`:
    the page was served at .../page/N."""
    root, last = spec.documents_path, spec.documents_path.rsplit("/", 1)[-1]
    more = page.more
    if spec.links == "query":
        return (
            f"?page={page.number + 1}" if more else None
        ), f"{last}/{invoice_id}.pdf"
    if spec.links == "path" and nested:
        return (f"{page.number + 1}" if more else None), f"../{invoice_id}.pdf"
    if spec.links == "path":
        nxt = f"{last}/page/{page.number + 1}" if more else None
        return nxt, f"{last}/{invoice_id}.pdf"
    return (
        f"{root}?page={page.number + 1}" if more else None
    ), f"{root}/{invoice_id}.pdf"


def pdf_response(request: web.Request, spec: PortalSpec, account: Account):
    """A document as the account gets it: a PDF, a Factur-X PDF, or, asked for as
    .xml by an XRechnung account, the XML alone."""
    as_xml, wanted = request.path.endswith(".xml"), request.match_info["id"]
    if account.einvoice == "both" and as_xml:
        wanted = wanted.removesuffix(XML_TWIN)
    elif as_xml != (account.einvoice == "xrechnung"):
        raise web.HTTPNotFound()
    for inv in invoices_for(spec, account):
        if inv.id == wanted:
            if as_xml:
                xml = cii_xml(spec.name, spec.vat_id, inv, xrechnung=True)
                return web.Response(body=xml, content_type="application/xml")
            body = render_invoice(spec.name, inv)
            if account.einvoice == "factur-x":
                xml = cii_xml(spec.name, spec.vat_id, inv, xrechnung=False)
                body = factur_x(body, xml, inv)
            return web.Response(body=body, content_type="application/pdf")
    raise web.HTTPNotFound()


XML_TWIN = "-xml"  # the id of an invoice's XML row, beside its PDF row


def rows_of(account: Account, inv: Invoice, href: str) -> list[tuple[Invoice, str]]:
    """The list rows of an invoice: one, or a PDF and an XML row for "both"."""
    if account.einvoice != "both":
        return [(inv, href_for(account, href))]
    twin = replace(inv, id=inv.id + XML_TWIN)
    return [(inv, href), (twin, href[: -len(".pdf")] + XML_TWIN + ".xml")]


def href_for(account: Account, href: str) -> str:
    """An XRechnung account's documents are linked as the .xml files they are."""
    if account.einvoice == "xrechnung" and href.endswith(".pdf"):
        return href[: -len(".pdf")] + ".xml"
    return href
