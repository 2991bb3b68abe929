"""E-invoices through the whole pipeline: a demo portal that sends Factur-X PDFs and
one that sends XRechnung XML files; their facts come from the XML, the profile is on
the inbox item, the XML is kept, and a person can read the XML as a page."""

from decimal import Decimal

import aiohttp

from infra.demo_portal.data import invoices_for, load_specs
from infra.settings import Settings
from tests.bus import caught_up, read_to_end
from tests.e2e.api_helpers import body_for
from tests.e2e.test_page_access import signed_in_session
from tests.e2e.test_pipeline import all_posted, connect, run_ended, wait_for

SPEC = next(s for s in load_specs() if s.key == "rainforest/de")


def account(username: str):
    return next(a for a in SPEC.accounts if a.username == username)


async def posted_for(stack, db, username: str) -> tuple[str, list[dict]]:
    expected = invoices_for(SPEC, account(username))
    tenant, conn, _ = await connect(
        stack,
        username,
        account(username).password,
        supplier="rainforest",
        variant="de",
        collect_from="2025-01-01",
    )
    posted = await all_posted(stack, db, tenant, conn, len(expected))
    numbers = sorted(e["item"]["metadata"]["number"] for e in posted)
    assert numbers == sorted(inv.number for inv in expected)  # each exactly once
    return tenant, posted


async def test_factur_x_pdfs_are_read_from_their_xml_and_the_xml_is_kept(stack, db):
    _, posted = await posted_for(stack, db, "facturx@acme.example")
    by_number = {
        inv.number: inv for inv in invoices_for(SPEC, account("facturx@acme.example"))
    }
    kinds = set()
    for event in posted:
        assert event["version"] == 3
        item = event["item"]
        facts, invoice = item["facts"], by_number[item["metadata"]["number"]]
        assert item["file"]["content_type"] == "application/pdf"
        assert facts["read_from"] == "e-invoice"
        assert facts["e_invoice"]["profile"] == "EN 16931"
        assert facts["e_invoice"]["embedded"] is True
        assert facts["number"] == {"value": invoice.number, "confidence": 1.0}
        assert Decimal(facts["total"]["value"]) == abs(invoice.total)
        assert facts["supplier_tax_id"]["value"] == SPEC.vat_id
        kinds.add(facts["document_type"]["value"])
        xml = facts["e_invoice"]["xml"]
        assert xml["filename"].endswith(".xml")
        assert xml["content_type"] == "application/xml"
        stored = await db["files.files"].find_one({"filename": xml["sha256"]})
        assert stored is not None and stored["length"] == xml["size"]
    assert kinds == {"invoice", "credit_note"}


async def connect_by_api(stack, web, tenant: str, username: str):
    """A new tenant connects a demo account through the API, as an integrating
    service would: (its invoices, the connection)."""
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    await web.add_tenant(tenant, f"{tenant} books", settings)
    body = body_for("rainforest/de", username)
    status, conn = await web.call(tenant, "POST", "/v1/connections", json=body)
    assert status == 201, conn
    return invoices_for(SPEC, account(username)), conn


async def test_xrechnung_files_are_documents_with_a_page_to_read(stack, db, web):
    """Through the API, as an integrating service would use it."""
    expected, _ = await connect_by_api(stack, web, "xr", "xrechnung@acme.example")

    async def inbox():
        status, page = await web.call("xr", "GET", "/v1/inbox?limit=50")
        done = status == 200 and len(page["items"]) >= len(expected)
        return page["items"] if done else None

    items = await wait_for(inbox)
    assert sorted(i["metadata"]["number"] for i in items) == sorted(
        inv.number for inv in expected
    )
    for item in items:
        assert item["file"]["content_type"] == "application/xml"
        assert item["file"]["filename"].endswith(".xml")
        assert item["facts"]["read_from"] == "e-invoice"
        assert item["facts"]["e_invoice"]["profile"] == "XRECHNUNG"
        assert item["facts"]["e_invoice"]["embedded"] is False
        assert item["facts"]["e_invoice"]["warnings"] == []
        assert item["view_url"] == f"/v1/inbox/{item['item_id']}/view"

    item = items[0]
    async with (
        aiohttp.ClientSession() as http,
        http.get(web.url + item["view_url"], headers=web.headers("xr")) as resp,
    ):
        page = await resp.text()
        assert resp.status == 200 and resp.content_type == "text/html"
        assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    assert item["metadata"]["number"] in page and "XRECHNUNG" in page
    status, _ = await web.call("alpha", "GET", item["view_url"])
    assert status == 404  # another tenant's document is not there for alpha

    # The connected suppliers page links the e-invoice's page with its profile.
    session = await signed_in_session(web, "xr")
    try:
        async with session.get(web.url + "/") as resp:
            listing = await resp.text()
        assert f'href="/files/{item["item_id"]}/view"' in listing
        assert "e-invoice (XRECHNUNG)" in listing
        async with session.get(web.url + f"/files/{item['item_id']}/view") as resp:
            assert (
                resp.status == 200 and item["metadata"]["number"] in await resp.text()
            )
    finally:
        await session.close()


async def test_a_pdf_and_its_xml_from_one_portal_are_one_inbox_item(stack, db, web):
    """The portal lists each invoice twice, as a PDF and as XRechnung XML."""
    expected, conn = await connect_by_api(stack, web, "both", "beides@acme.example")

    async def attached():
        status, page = await web.call("both", "GET", "/v1/inbox?limit=50")
        items = page["items"] if status == 200 else []
        done = len(items) >= len(expected) and all(i["formats"] for i in items)
        return items if done else None

    items = await wait_for(attached)
    assert items, "each invoice's other format was not attached to its item"
    await run_ended(db, conn["connection_id"])
    await caught_up(stack, "document-found", "document-accepted")
    _, page = await web.call("both", "GET", "/v1/inbox?limit=50")
    items = page["items"]
    # One item per invoice, never a duplicate pair.
    assert sorted(i["metadata"]["number"] for i in items) == sorted(
        inv.number for inv in expected
    )
    for item in items:
        assert item["verdict"] == "new"
        (other,) = item["formats"]
        types = {item["file"]["content_type"], other["content_type"]}
        assert types == {"application/pdf", "application/xml"}
        assert item["facts"]["read_from"] == "e-invoice"  # the XML's exact facts
        assert item["facts"]["e_invoice"]["profile"] == "XRECHNUNG"
        (url,) = item["format_urls"]
        status, data = await web.call("both", "GET", url)
        assert status == 200 and len(data) == other["size"]
        status, _ = await web.call("both", "GET", item["view_url"])
        assert status == 200

    accepted = await read_to_end(
        stack.kafka,
        "document-accepted",
        lambda e: e.get("connection_id") == conn["connection_id"],
    )
    verdicts = sorted(e["verdict"] for e in accepted)
    assert verdicts == ["new"] * len(expected) + ["same_invoice"] * len(expected)
    posted = await read_to_end(
        stack.kafka,
        "inbox-posted",
        lambda e: e.get("connection_id") == conn["connection_id"],
    )
    # Each item posted, then posted again with its other format attached.
    assert {e["item"]["item_id"] for e in posted} == {i["item_id"] for i in items}
    assert sum(1 for e in posted if e["item"]["formats"]) == len(expected)
