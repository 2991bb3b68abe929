"""Parsers of the HTML portal adapter, on pages the demo portal renders."""

from datetime import date
from decimal import Decimal

import pytest

from adapters.portals.demo_html import (
    parse_csrf_token,
    parse_invoice_page,
    parse_login_error,
)
from adapters.portals.protocol import LayoutChanged

ROW = (
    '<tr class="invoice" data-invoice-id="inv-1"><td class="number">NE-1</td>'
    '<td class="date">2025-02-05</td><td class="kind">invoice</td>'
    '<td class="total" data-currency="EUR">12.50</td>'
    '<td><a class="download" href="/account/invoices/inv-1.pdf">PDF</a></td></tr>'
)


def test_invoice_rows_and_next_link():
    page = (
        f'<table class="invoices">{ROW}</table><nav class="pagination">'
        '<a class="next" href="/account/invoices?page=2">Next</a></nav>'
    ).encode()
    refs, nxt = parse_invoice_page(page)
    assert nxt == "/account/invoices?page=2"
    (ref,) = refs
    assert ref.supplier_document_id == "inv-1"
    assert ref.metadata.issued_on == date(2025, 2, 5)
    assert (ref.metadata.total, ref.metadata.currency) == (Decimal("12.50"), "EUR")


def test_changed_layout_is_reported_not_crashed():
    with pytest.raises(LayoutChanged):
        parse_invoice_page(b"<div class='new-invoice-grid'></div>")
    with pytest.raises(LayoutChanged, match="unreadable"):
        parse_invoice_page(
            f'<table class="invoices">{ROW}</table>'.replace(
                "2025-02-05", "5 Feb"
            ).encode()
        )
    with pytest.raises(LayoutChanged):
        parse_csrf_token(b"<form id='signin'></form>")


def test_login_page_parts():
    page = (
        b'<p id="login-error">Wrong password</p><form id="login">'
        b'<input name="csrf_token" value="tok"></form>'
    )
    assert parse_csrf_token(page) == "tok"
    assert parse_login_error(page) == "Wrong password"
    assert parse_login_error(b"<form id='login'></form>") is None
