"""Every engine and portal of the demo fleet through the real fetcher stage: markup,
JSON APIs, regions, logins, credit notes, many pages, and each user-class error."""

from datetime import date
from decimal import Decimal

import pytest

from tests.bus import caught_up
from tests.e2e.fleet import (
    SPECS,
    connect_to,
    connection,
    events_for,
    expected,
    inbox_of,
    published_for,
    ticks_pass,
)

COLLECT_FROM = date(2025, 1, 1)

HEALTHY = [
    # portal, login: each a different markup, engine, login kind or regional format
    ("rainforest/uk", "buyer@acme.example"),  # cards, email login, credit notes
    ("rainforest/de", "einkauf@acme.example"),  # 05.04.2025 and 1.234,56
    ("rainforest/business", "ap@acme.example"),  # the business host
    ("cobalt-water/default", "JSmith"),  # case-sensitive user id, list markup
    ("hearth-gas/default", "totp@hearth.example"),  # authenticator 2-factor, unattended
    ("brightline-telecom/personal", "home@family.example"),  # JSON API behind an SPA
    ("ledgerly/default", "acme-sales"),  # another JSON shape; a sales connection
    ("parcelpoint/default", "depot-7"),  # table read by position, no classes
    ("sparkplug-office/default", "studio-9"),  # added by a catalog entry alone
]


async def test_each_engine_and_markup_delivers_exactly_its_documents(stack, db):
    conns = {}
    for key, login in HEALTHY:
        kind = "sales" if key.startswith("ledgerly") else "cost"
        _, conn = await connect_to(stack, key, login, kind=kind)
        conns[conn] = (key, login, kind)
    for conn, (key, login, kind) in conns.items():
        want = expected(key, login, COLLECT_FROM)
        rows = await inbox_of(db, conn, len(want))
        assert sorted(r["metadata"]["number"] for r in rows) == sorted(
            i.number for i in want
        ), key
        by_number = {i.number: i for i in want}
        for row in rows:
            inv = by_number[row["metadata"]["number"]]
            assert row["metadata"]["issued_on"] == inv.issued_on.isoformat(), key
            assert Decimal(row["metadata"]["total"]) == inv.total, key
            assert row["metadata"]["currency"] == inv.currency, key
            assert row["metadata"]["kind"] == inv.kind, key
            assert row["kind"] == kind
        assert (await connection(db, conn))["status"] == "connected"
    # Every document found has been judged and posted: nothing more is on its way.
    await caught_up(stack, "document-found", "document-accepted")
    for conn, (key, login, _) in conns.items():
        count = await db["inbox"].count_documents({"connection_id": conn})
        assert count == len(expected(key, login, COLLECT_FROM)), key


async def test_hundreds_of_documents_over_many_pages(stack, db):
    key, login = "brightline-telecom/business", "it@acme.example"
    want = expected(key, login, date(2024, 1, 1))
    assert len(want) >= 200
    pages = -(-len(want) // SPECS[key].page_size)
    _, conn = await connect_to(stack, key, login, collect_from="2024-01-01")
    rows = await inbox_of(db, conn, len(want), timeout=120)
    assert len(rows) == len(want)
    credit_notes = [r for r in rows if r["metadata"]["kind"] == "credit_note"]
    assert credit_notes and all(
        r["metadata"]["total"].startswith("-") for r in credit_notes
    )
    stats = await stack.portal_stats(key)
    assert stats["requests"]["/api/v1/documents"] >= pages


USER_ERRORS = [
    # portal, login, password (None: the right one), code, words the remedy must hold
    (
        "cobalt-water/default",
        "jsmith",
        "Water4All!",
        "invalid_credentials",
        "case sensitive",
    ),
    (
        "rainforest/uk",
        "buyer",
        "Rainforest-UK-1",
        "invalid_credentials",
        "email address",
    ),
    ("hearth-gas/default", "sso@hearth.example", "x", "sso_account", "single sign-on"),
    ("cobalt-water/default", "locked-larry", None, "account_locked", "Unlock"),
    ("cobalt-water/default", "terms-tina", None, "action_needed", "/terms"),
    (
        "brightline-telecom/personal",
        "ops@acme.example",
        None,
        "two_factor_required",
        "authenticator secret",
    ),
]


@pytest.mark.parametrize(("key", "login", "password", "code", "words"), USER_ERRORS)
async def test_user_errors_disrupt_once_with_their_remedy_and_no_retry(
    stack, db, key, login, password, code, words
):
    before = await stack.login_attempts(login, key)
    extra = {"totp_secret": None} if code == "two_factor_required" else {}
    _, conn = await connect_to(stack, key, login, password, **extra)
    (failed,) = await events_for(stack, "auth-failed", conn)
    assert failed["error_code"] == code
    assert words in failed["remedy"]
    assert (
        failed["supplier_name"] == SPECS[key].name.split(" UK")[0]
        or failed["supplier_name"]
    )
    doc = await connection(db, conn)
    assert doc["status"] == "disrupted" and doc["last_error"] == code
    await ticks_pass(stack)  # scheduler ticks: a user-class error is never retried
    assert await stack.login_attempts(login, key) - before == 1
    await caught_up(stack, "fetch-due")
    assert len(await published_for(stack, "auth-failed", conn)) == 1


async def test_a_wrong_password_costs_one_attempt_and_a_lock_is_reported(stack, db):
    """Cobalt locks after 3 failed logins; each wrong password costs exactly one."""
    key, login = "cobalt-water/default", "lockme"
    for _ in range(2):
        _, conn = await connect_to(stack, key, login, "Tap-Tap-8")
        (failed,) = await events_for(stack, "auth-failed", conn)
        assert failed["error_code"] == "invalid_credentials"
    await ticks_pass(stack)
    assert await stack.login_attempts(login, key) == 2
    _, conn = await connect_to(stack, key, login)  # the right password still works
    assert await inbox_of(db, conn, len(expected(key, login, COLLECT_FROM)))

    # The portal does lock after 3: three wrong logins later, the right one is refused
    # with account_locked, which tells the person to unlock at the portal.
    for _ in range(3):
        _, conn = await connect_to(stack, key, login, "Tap-Tap-8")
        await events_for(stack, "auth-failed", conn)
    _, conn = await connect_to(stack, key, login)
    (failed,) = await events_for(stack, "auth-failed", conn)
    assert failed["error_code"] == "account_locked"
    assert "Unlock the account" in failed["remedy"]
