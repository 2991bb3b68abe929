"""The browser engine's click path as the catalog writes it: checked when the catalog
loads, and named as an operator finds it when a step times out."""

import pytest
from pydantic import ValidationError

from adapters.portals.catalog import Catalog
from adapters.portals.engines.browser_config import BrowserDocuments, Step


def test_a_step_does_exactly_one_thing():
    assert Step(click="#sign-in").describe() == "click '#sign-in'"
    assert Step(wait_response="**/api/*").describe() == "wait_response '**/api/*'"
    with pytest.raises(ValidationError, match="does one thing"):
        Step(click="#a", wait="#b")
    with pytest.raises(ValidationError, match="does one thing"):
        Step()
    with pytest.raises(ValidationError, match="go together"):
        Step(fill="#email")


def test_a_download_names_what_it_needs():
    base = {
        "steps": [],
        "table": "t",
        "row": "tr",
        "fields": {"id": {"attr": "data-id"}},
    }
    with pytest.raises(ValidationError, match="download_button"):
        BrowserDocuments.model_validate(base | {"download": "click"})
    with pytest.raises(ValidationError, match="`download` field"):
        BrowserDocuments.model_validate(base | {"download": "link"})


def test_the_catalogs_browser_suppliers_load():
    browser = [s for s in Catalog.load().all() if s.engine == "browser"]
    assert {s.id for s in browser} >= {"voltaria-energy", "quillpost"}
    assert all(s.config.login.steps for s in browser)
