"""The supplier catalog as data, the JSON engine's parser on saved answers, value
parsing, and the remedies a refused login gets (pure; no portal is asked)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from adapters.portals.catalog import CATALOG_FILE, Catalog, Supplier
from adapters.portals.engines.config import Values
from adapters.portals.engines.json_api import dig, document_page
from adapters.portals.engines.values import document_ref, to_amount
from adapters.portals.hints import credential_hints, remedy
from adapters.portals.protocol import (
    ActionNeeded,
    InvalidCredentials,
    LayoutChanged,
    TwoFactorRequired,
)
from schemas.records import Credentials, DocumentKind

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
CATALOG = Catalog.load()


def creds(login: str, password: str = "pw") -> Credentials:  # noqa: S107
    return Credentials(login=login, password=SecretStr(password))


def test_the_catalog_has_both_engines_and_the_facts_a_person_picks_from():
    suppliers = CATALOG.all()
    assert len(suppliers) >= 8
    assert {s.engine for s in suppliers} >= {"html", "json_api"}
    rainforest = CATALOG.supplier("rainforest")
    assert {v.region for v in rainforest.variants.values()} == {"gb", "de"}
    assert {v.account_type for v in rainforest.variants.values()} == {
        "personal",
        "business",
    }
    assert CATALOG.supplier("ledgerly").connector_kinds == ["sales"]
    assert CATALOG.supplier("cobalt-water").login_case_sensitive
    assert "sms" in CATALOG.supplier("hearth-gas").two_factor


def test_a_typo_in_a_catalog_entry_fails_at_load():
    entry = json.loads(CATALOG_FILE.read_text())["suppliers"][0]
    entry["config"]["documents"]["rows"] = entry["config"]["documents"].pop("row")
    with pytest.raises(ValidationError, match="rows"):
        Supplier.model_validate(entry)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Northwind Energy", "northwind-energy"),
        ("northwind", "northwind-energy"),
        ("nw", "northwind-energy"),
        ("Parcel Point", "parcelpoint"),
        ("ledgerly billing", "ledgerly"),
        ("gas", "hearth-gas"),
    ],
)
def test_search_by_name_alias_or_word(text, first):
    assert CATALOG.search(text)[0].id == first


def test_search_ignores_case_accents_and_punctuation():
    assert CATALOG.search("HÉARTH-gas!")[0].id == "hearth-gas"
    assert CATALOG.search("   ") == []


def test_portal_addresses_come_from_the_catalog_or_an_operator_override():
    catalog = Catalog.load({"rainforest/de": "http://127.0.0.1:9"})
    assert catalog.base_url("rainforest", "de") == "http://127.0.0.1:9"
    assert catalog.base_url("rainforest", "uk").startswith("https://")
    with pytest.raises(LookupError, match="no portal variant"):
        catalog.base_url("rainforest", "fr")


def test_an_operators_catalog_file_adds_and_replaces_suppliers(tmp_path):
    import json

    from adapters.portals.catalog import CATALOG_FILE

    built_in = json.loads(CATALOG_FILE.read_text())["suppliers"]
    northwind = next(s for s in built_in if s["id"] == "northwind-energy")
    own = tmp_path / "ours.json"
    own.write_text(
        json.dumps(
            {
                "suppliers": [
                    northwind | {"id": "our-energy", "name": "Our Energy"},
                    northwind | {"limits": {"max_sessions": 9}},
                ]
            }
        )
    )
    catalog = Catalog.load(extra=[own])
    assert catalog.supplier("our-energy").name == "Our Energy"
    assert catalog.supplier("northwind-energy").limits.max_sessions == 9
    assert len(catalog.all()) == len(built_in) + 1


@pytest.mark.parametrize(
    ("text", "comma", "value"),
    [
        ("£1,234.50", False, "1234.50"),
        ("1.234,50 €", True, "1234.50"),
        ("-12.00", False, "-12.00"),
        ("€-7,5", True, "-7.5"),
    ],
)
def test_amounts_in_portal_formats(text, comma, value):
    assert to_amount(text, comma) == Decimal(value)


def test_an_unknown_document_kind_is_a_layout_change_not_a_guess():
    raw = {"id": "1", "issued_on": "2025-01-05", "download": "/1", "kind": "dunning"}
    with pytest.raises(LayoutChanged, match="dunning"):
        document_ref(raw, Values())


@pytest.mark.parametrize(
    ("name", "supplier", "rows", "more"),
    [
        ("brightline-telecom-business", "brightline-telecom", 20, True),
        ("ledgerly-default", "ledgerly", 8, False),
    ],
)
def test_json_list_answers_parse(name, supplier, rows, more):
    cfg = CATALOG.supplier(supplier).config
    answer = json.loads((PAGES / f"{name}-documents-2.json").read_text())
    refs, has_next = document_page(answer, cfg.documents, cfg.values)
    assert len(refs) == rows and has_next is more
    assert all(r.metadata.issued_on >= date(2024, 1, 1) for r in refs)
    assert all(r.download_url.endswith("/pdf") for r in refs)
    renamed = {"items_v2": dig(answer, cfg.documents.items)}
    with pytest.raises(LayoutChanged):
        document_page(renamed, cfg.documents, cfg.values)


def test_json_answers_carry_credit_notes_and_error_codes():
    cfg = CATALOG.supplier("brightline-telecom").config
    answer = json.loads(
        (PAGES / "brightline-telecom-business-documents-2.json").read_text()
    )
    refs, _ = document_page(answer, cfg.documents, cfg.values)
    assert any(r.metadata.kind is DocumentKind.CREDIT_NOTE for r in refs)
    wrong = json.loads((PAGES / "brightline-telecom-business-wrong.json").read_text())
    assert cfg.login.errors[dig(wrong, cfg.login.error)] == "invalid_credentials"


def test_hints_name_only_the_mistakes_the_login_shows():
    rainforest = CATALOG.supplier("rainforest")
    northwind = CATALOG.supplier("northwind-energy")
    cobalt = CATALOG.supplier("cobalt-water")
    assert "email address" in credential_hints(rainforest, creds("buyer"))[0]
    assert "username" in credential_hints(northwind, creds("a@b.example"))[0]
    assert "space" in credential_hints(northwind, creds(" acme-ltd"))[0]
    assert "space" in credential_hints(northwind, creds("acme-ltd", "pw\t"))[0]
    assert credential_hints(northwind, creds("acme-ltd")) == []
    # Nothing in "JSmith" or "jsmith" shows a case mistake: no hint blames it.
    assert credential_hints(cobalt, creds("jsmith")) == []
    assert credential_hints(cobalt, creds("JSmith")) == []


def test_a_refused_login_gets_the_checklist_likeliest_first_in_the_portals_words():
    cobalt = CATALOG.supplier("cobalt-water")
    text = remedy(cobalt, InvalidCredentials("no"), creds("JSmith"), variant="default")
    # The password first; the case rule is one item among the checks, not the verdict.
    assert text.index("password") < text.index("capital letters")
    assert "username" in text and "email address" not in text
    assert not text.startswith("Usernames")
    rainforest = CATALOG.supplier("rainforest")
    text = remedy(
        rainforest, InvalidCredentials("no"), creds("a@b.example"), variant="uk"
    )
    assert "email address" in text and "username" not in text
    assert "Deutschland (rainforest.de) or Rainforest Business (UK)" in text
    assert "capital letters" not in text  # Rainforest logins are not case sensitive
    unknown = InvalidCredentials("no account", field="login")
    text = remedy(rainforest, unknown, creds("a@b.example"), variant="uk")
    assert text.startswith("Rainforest Market knows no account with this email address")
    assert "update the login" not in text.lower()  # the person is at the form


def test_a_login_that_worked_before_is_told_of_a_changed_password():
    northwind = CATALOG.supplier("northwind-energy")
    text = remedy(
        northwind, InvalidCredentials("no"), creds("acme-ltd"), worked_before=True
    )
    assert "changed" in text and "variant" not in text
    assert "update the login" not in text.lower()  # the email says that, once


def test_remedies_are_specific_where_they_can_be_and_never_echo_the_password():
    northwind = CATALOG.supplier("northwind-energy")
    text = remedy(northwind, InvalidCredentials("no"), creds("acme-ltd", "hunter2 "))
    assert "space" in text and "hunter2" not in text
    generic = remedy(northwind, InvalidCredentials("no"), creds("acme-ltd"))
    assert "password" in generic and "username" in generic
    action = ActionNeeded("terms", action_url="https://portal.example/terms")
    assert "https://portal.example/terms" in remedy(northwind, action, None)
    totp = TwoFactorRequired("no secret", field="totp_secret")
    assert "authenticator secret" in remedy(northwind, totp, None)


def test_a_custom_engine_loads_only_registered_adapters(monkeypatch):
    from adapters.portals import custom
    from adapters.portals.factory import build_session

    class Handmade:
        def __init__(self, http, supplier):
            self.http, self.supplier = http, supplier

    entry = {
        "id": "handmade",
        "name": "Handmade Ltd",
        "variants": {"default": {"label": "Handmade", "base_url": "https://h.example"}},
        "engine": "custom",
        "adapter": "handmade",
    }
    supplier = Supplier.model_validate(entry)
    monkeypatch.setitem(custom.ADAPTERS, "handmade", Handmade)
    session = build_session(supplier, supplier.variants["default"], http="HTTP")
    assert isinstance(session, Handmade) and session.supplier is supplier
    with pytest.raises(ValidationError, match="needs `adapter`"):
        Supplier.model_validate(entry | {"adapter": None})
    with pytest.raises(KeyError):
        build_session(
            supplier.model_copy(update={"adapter": "os.system"}),
            supplier.variants["default"],
            http="HTTP",
        )
