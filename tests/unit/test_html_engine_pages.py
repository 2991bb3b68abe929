"""The declarative HTML engine's parsers on saved demo pages, with the catalog's config.

Pages are saved by `python -m tests.fixtures.save_pages`; a page a portal changes in a
way the catalog does not describe must raise layout_changed, never parse wrongly.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.portals.catalog import Catalog
from adapters.portals.engines import html_pages as pages
from adapters.portals.protocol import (
    ActionNeeded,
    InvalidCredentials,
    LayoutChanged,
    SsoAccount,
)
from schemas.records import DocumentKind

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
CATALOG = Catalog.load()


def page(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


def config(supplier: str, variant: str | None = None):
    cfg = CATALOG.supplier(supplier).config
    values = CATALOG.variant(supplier, variant).values if variant else None
    return cfg.model_copy(update={"values": values}) if values else cfg


LISTS = [
    # page, supplier, variant, rows on the page, has a next page
    ("northwind-energy-default", "northwind-energy", None, 10, True),
    ("rainforest-uk", "rainforest", "uk", 6, True),
    ("rainforest-de", "rainforest", "de", 2, False),
    ("cobalt-water-default", "cobalt-water", None, 4, False),
    ("parcelpoint-default", "parcelpoint", None, 2, False),
]


@pytest.mark.parametrize(("name", "supplier", "variant", "rows", "more"), LISTS)
def test_document_list_pages_parse_every_row(name, supplier, variant, rows, more):
    cfg = config(supplier, variant)
    refs, nxt = pages.document_page(
        page(f"{name}-documents-2"), cfg.documents, cfg.values
    )
    assert len(refs) == rows
    assert (nxt is not None) is more
    for ref in refs:
        assert ref.supplier_document_id and ref.download_url
        assert ref.metadata.number and ref.metadata.total is not None
        assert ref.metadata.currency in {"GBP", "EUR"}
        assert date(2024, 1, 1) <= ref.metadata.issued_on <= date(2026, 12, 31)


def test_regional_formats_are_read_per_variant():
    """The .de variant writes 05.04.2025 and 1.234,56; its own values read them."""
    de = config("rainforest", "de")
    refs, _ = pages.document_page(
        page("rainforest-de-documents-2"), de.documents, de.values
    )
    assert all(r.metadata.currency == "EUR" for r in refs)
    uk = config("rainforest", "uk")
    with pytest.raises(LayoutChanged):  # the uk reading of a de page is refused
        pages.document_page(page("rainforest-de-documents-2"), uk.documents, uk.values)


def test_credit_notes_are_told_from_invoices():
    cfg = config("rainforest", "uk")
    refs, _ = pages.document_page(
        page("rainforest-uk-after-login"), cfg.documents, cfg.values
    )
    credits = [r for r in refs if r.metadata.kind is DocumentKind.CREDIT_NOTE]
    assert credits and all(r.metadata.total < 0 for r in credits)
    assert all(r.metadata.number.startswith("CN-") for r in credits)


@pytest.mark.parametrize(
    "name", ["northwind-energy-default", "rainforest-uk", "cobalt-water-default"]
)
def test_a_changed_layout_is_reported_not_misread(name):
    supplier = name.rsplit("-", 1)[0] if "rainforest" not in name else "rainforest"
    cfg = config(supplier)
    with pytest.raises(LayoutChanged):
        pages.document_page(page(f"{name}-changed"), cfg.documents, cfg.values)
    with pytest.raises(LayoutChanged):
        pages.login_step(page(f"{name}-changed"), cfg)


@pytest.mark.parametrize(
    ("name", "supplier"),
    [
        ("northwind-energy-default", "northwind-energy"),
        ("rainforest-uk", "rainforest"),
        ("cobalt-water-default", "cobalt-water"),
        ("hearth-gas-default", "hearth-gas"),
        ("parcelpoint-default", "parcelpoint"),
    ],
)
def test_login_forms_carry_their_hidden_tokens(name, supplier):
    cfg = config(supplier)
    form = pages.read_form(pages.tree(page(f"{name}-login")), cfg.login.form, "/x")
    hidden = {k: v for k, v in form.fields.items() if v}
    assert hidden, "the CSRF token must be read from the form"
    assert cfg.login.login_field in form.fields
    assert form.action.startswith("/")
    with pytest.raises(InvalidCredentials):
        pages.login_step(page(f"{name}-wrong"), cfg)


def test_refusals_map_to_the_taxonomy():
    with pytest.raises(ActionNeeded):
        pages.login_step(
            page("cobalt-water-default-terms-tina"), config("cobalt-water")
        )
    with pytest.raises(SsoAccount):
        pages.login_step(page("hearth-gas-default-sso"), config("hearth-gas"))


def test_a_code_sent_by_sms_is_a_prompt_with_its_medium():
    cfg = config("hearth-gas")
    raw = page("hearth-gas-default-after-login")
    assert pages.login_step(raw, cfg) is pages.LoginStep.TWO_FACTOR
    prompt = pages.two_factor_prompt(raw, cfg.two_factor, "/auth/signin")
    assert prompt.medium == "sms" and prompt.destination == "phone ending 42"
    assert prompt.form.fields.get("token")


def test_amounts_in_the_portal_s_own_format():
    cfg = config("cobalt-water")
    refs, _ = pages.document_page(
        page("cobalt-water-default-after-login"), cfg.documents, cfg.values
    )
    assert all(isinstance(r.metadata.total, Decimal) for r in refs)
    assert len(refs) == 8


def test_a_next_link_told_apart_only_by_its_words_is_found_by_them():
    cfg = config("parcelpoint", None)
    assert cfg.documents.next is not None and cfg.documents.next.contains == "next"
    # ParcelPoint's first page links "Help" before "Next page >>", neither classed.
    _, nxt = pages.document_page(
        page("parcelpoint-default-after-login"), cfg.documents, cfg.values
    )
    assert nxt == "invoices/page/2"  # relative to the page; the engine resolves it
