"""Portals only a real browser can use, through the real pipeline with the worker's
Chromium: a page built by script, a login proof computed by script, downloads as
blobs, paging by "Load more"; the taxonomy's remedies and a layout change that names
the step that broke."""

from decimal import Decimal

from tests.bus import caught_up
from tests.e2e.fleet import (
    connect_to,
    connection,
    events_for,
    expected,
    inbox_of,
    published_for,
)
from tests.e2e.test_portals import COLLECT_FROM

VOLTARIA = "voltaria-energy/default"
QUILLPOST = "quillpost/default"


async def delivered_once(stack, db, key: str, login: str, **kw) -> str:
    _, conn = await connect_to(stack, key, login, **kw)
    want = expected(key, login, COLLECT_FROM)
    rows = await inbox_of(db, conn, len(want), timeout=90)
    by_number = {i.number: i for i in want}
    assert sorted(r["metadata"]["number"] for r in rows) == sorted(by_number), key
    for row in rows:
        inv = by_number[row["metadata"]["number"]]
        assert row["metadata"]["issued_on"] == inv.issued_on.isoformat()
        assert Decimal(row["metadata"]["total"]) == inv.total
        assert row["metadata"]["kind"] == inv.kind
    await caught_up(stack, "document-found", "document-accepted")
    assert await db["inbox"].count_documents({"connection_id": conn}) == len(want)
    assert (await connection(db, conn))["status"] == "connected"
    return conn


async def test_a_script_built_portal_delivers_each_document_once(stack, db):
    # Blob downloads, "Load more" paging, a login proof made by the page's script.
    conn = await delivered_once(stack, db, VOLTARIA, "ops@acme.example")
    found = await published_for(stack, "document-found", conn)
    assert len({e["supplier_document_id"] for e in found}) == len(found)


async def test_a_portal_added_by_its_catalog_entry_alone_pages_on_and_fetches_links(
    stack, db
):
    # Quillpost: "Next page" paging, links fetched with the browser's cookies.
    await delivered_once(stack, db, QUILLPOST, "office@acme.example")
    _, unknown = await connect_to(stack, QUILLPOST, "nobody@acme.example", "x")
    (failed,) = await events_for(stack, "auth-failed", unknown, timeout=90)
    assert failed["error_code"] == "invalid_credentials"
    assert "knows no account with this email" in failed["remedy"]


async def test_an_authenticator_code_is_answered_unattended_in_the_browser(stack, db):
    await delivered_once(stack, db, VOLTARIA, "totp@acme.example")


async def test_a_wrong_login_and_an_sso_account_get_their_remedies(stack):
    _, wrong = await connect_to(stack, VOLTARIA, "ops@acme.example", "Volt-Age-0")
    _, sso = await connect_to(stack, VOLTARIA, "sso@acme.example", "anything")
    (failed,) = await events_for(stack, "auth-failed", wrong, timeout=90)
    assert failed["error_code"] == "invalid_credentials"
    assert failed["supplier_name"] == "Voltaria Energy" and failed["remedy"]
    assert "Volt-Age-0" not in str(failed)
    (failed,) = await events_for(stack, "auth-failed", sso, timeout=90)
    assert failed["error_code"] == "sso_account"
    assert "single sign-on" in failed["remedy"].lower()


async def test_a_changed_layout_names_the_step_and_the_selector(stack):
    await stack.portal_call(
        VOLTARIA, "POST", "/_demo/behaviour", {"layout_changed": True}
    )
    try:
        _, conn = await connect_to(stack, VOLTARIA, "ops@acme.example")
        (dead,) = await events_for(stack, "dead-letter", conn, timeout=90)
    finally:
        await stack.portal_call(
            VOLTARIA, "POST", "/_demo/behaviour", {"layout_changed": False}
        )
    assert dead["error"].startswith("layout_changed")
    assert "documents step 1 (wait 'table.invoices')" in dead["error"]
