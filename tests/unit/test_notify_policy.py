"""The notifier's decisions: who hears of a connection, and when the first fetch's
counts are settled; the first-fetch mail's words for what did not reach the inbox."""

from datetime import date, timedelta

from adapters.mail.templates import compose
from adapters.store.ports import DocumentOutcomes
from agents.notify_policy import audience, settled
from agents.schedule_policy import SchedulePolicy, new_connection
from schemas.records import Invitation
from tests.unit.factories import NOW, created

CONN = new_connection(created(), NOW, SchedulePolicy())
PAGE = "https://books.example/"


def invited(**kw) -> Invitation:
    return Invitation(
        invitation_id="i1",
        tenant_id="t1",
        client_email="client@example.com",
        client_name="Corner Cafe",
        supplier_id="northwind-energy",
        connector_kind="cost",
        document_owner="Corner Cafe",
        collect_from=date(2025, 1, 1),
        token_sha256="0" * 64,
        created_at=NOW,
        expires_at=NOW + timedelta(days=7),
        **kw,
    )


def test_a_direct_connection_mails_its_address_with_a_link_to_its_row():
    who = audience(CONN, None, PAGE, None)
    assert who.acts == CONN.notify_email
    assert who.acts_link == f"{PAGE}#connection-{CONN.connection_id}"
    assert who.informed is None


def test_a_client_acts_on_their_own_page_and_the_accountant_is_told():
    inv = invited(notify_email="accountant@example.com")
    who = audience(CONN, inv, PAGE, f"{PAGE}client/tok")
    assert (who.acts, who.acts_link) == ("client@example.com", f"{PAGE}client/tok")
    assert who.informed == "accountant@example.com" and who.client == "Corner Cafe"
    assert who.informed_link.endswith(f"#connection-{CONN.connection_id}")
    # An older invitation stored the client as its notification address.
    assert (
        audience(CONN, invited(notify_email="client@example.com"), PAGE, "x").informed
        is None
    )


def test_counts_are_settled_only_when_every_found_document_is_judged_and_posted():
    four = DocumentOutcomes(judged=4, to_post=3, dropped=1)
    assert not settled(DocumentOutcomes(judged=3, to_post=3), found=4, posted=3)
    assert not settled(four, found=4, posted=2)
    assert settled(four, found=4, posted=3)


def test_the_first_fetch_mail_says_why_files_did_not_reach_the_inbox():
    outcome = DocumentOutcomes(judged=9, to_post=6, flagged=1, dropped=2, rejected=1)
    mail = compose(
        "initial_fetch",
        "books@example.com",
        supplier_name="Northwind Energy",
        portal="Northwind Energy",
        document_owner="ACME Ltd",
        client=None,
        posted=6,
        outcome=outcome,
        collect_from="01 Jan 2025",
        interval="week",
        link=f"{PAGE}#connection-c1",
    )
    assert "6 documents in the inbox" in mail.subject
    assert "6 documents issued since 01 Jan 2025 reached the inbox" in mail.text
    assert "1 flagged as a possible duplicate" in mail.text
    assert "2 were copies of documents already in the inbox" in mail.text
    assert "1 file was not a readable document" in mail.text
    assert "1 file was not a readable document" in mail.html
