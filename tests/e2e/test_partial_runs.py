"""A run that fails part-way keeps what it read: the documents listed and downloaded
before the failure are published, the bookmark stays behind what was not read, and
the next run brings the rest, each document once."""

from datetime import date

from tests.e2e.fleet import connect_to, connection, expected, inbox_of
from tests.e2e.test_pipeline import wait_for

NORTHWIND, PARCELS = "northwind-energy/default", "parcelpoint/default"


async def failed(db, conn: str, code: str) -> dict:
    async def seen():
        doc = await connection(db, conn)
        return doc if doc and doc.get("last_error") == code else None

    return await wait_for(seen)


async def test_a_list_page_that_fails_keeps_the_pages_before_it(stack, db):
    everything = expected(NORTHWIND, "acme-ltd", date(2024, 1, 1))
    assert len(everything) == 24  # three pages of ten
    await stack.portal_call(
        NORTHWIND, "POST", "/_demo/behaviour", {"broken_from_page": 3}
    )
    try:
        _, conn = await connect_to(
            stack, NORTHWIND, "acme-ltd", collect_from="2024-01-01"
        )
        doc = await failed(db, conn, "portal_unavailable")
        first_pages = await inbox_of(db, conn, 20)
        numbers = {r["metadata"]["number"] for r in first_pages}
        assert numbers == {i.number for i in everything[:20]}
        assert doc["bookmark"] is None  # page 3 was not read: nothing moves past it
        assert doc["status"] == "pending"  # reported as before: retried, nobody told
    finally:  # the portal mends; its sessions live on, as a real portal's would
        await stack.portal_call(
            NORTHWIND, "POST", "/_demo/behaviour", {"broken_from_page": 0}
        )
    rows = await inbox_of(db, conn, 24)
    assert sorted(r["metadata"]["number"] for r in rows) == sorted(
        i.number for i in everything
    )

    async def bookmarked():
        doc = await connection(db, conn)
        return doc if doc.get("bookmark") else None

    assert (await bookmarked() or await wait_for(bookmarked))["status"] == "connected"


async def test_a_download_that_fails_keeps_the_documents_before_it(stack, db):
    everything = expected(PARCELS, "depot-7", date(2025, 1, 1))
    oldest_first = sorted(everything, key=lambda i: i.issued_on)
    broken = oldest_first[5]
    await stack.portal_call(
        PARCELS, "POST", "/_demo/behaviour", {"broken_document": broken.id}
    )
    try:
        _, conn = await connect_to(stack, PARCELS, "depot-7")
        doc = await failed(db, conn, "internal_error")
        rows = await inbox_of(db, conn, 5)
        assert {r["metadata"]["number"] for r in rows} == {
            i.number for i in oldest_first[:5]
        }
        assert doc["bookmark"] is None
    finally:
        await stack.portal_call(
            PARCELS, "POST", "/_demo/behaviour", {"broken_document": ""}
        )
    rows = await inbox_of(db, conn, len(everything))
    numbers = [r["metadata"]["number"] for r in rows]
    assert sorted(numbers) == sorted(i.number for i in everything)


async def test_a_session_lost_mid_run_never_turns_sign_in_pages_into_documents(
    stack, db
):
    everything = expected(NORTHWIND, "acme-ltd", date(2024, 1, 1))
    _, conn = await connect_to(stack, NORTHWIND, "acme-ltd", collect_from="2024-01-01")
    await inbox_of(db, conn, 1)  # the run is downloading: the portal ends the session
    await stack.portal_call(NORTHWIND, "POST", "/_demo/accounts/acme-ltd/sign-out")
    rows = await inbox_of(db, conn, len(everything))
    assert sorted(r["metadata"]["number"] for r in rows) == sorted(
        i.number for i in everything
    )
    doc = await connection(db, conn)
    assert doc["rejected_documents"] == 0  # no sign-in page was kept as a document
