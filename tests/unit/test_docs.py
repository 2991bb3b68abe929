"""Pages made from data stay current with it."""

from infra.demo_portal.describe import DOC, render


def test_portal_page_is_made_from_portals_json():
    assert DOC.read_text() == render(), "run `make docs` and commit docs/portals.md"
