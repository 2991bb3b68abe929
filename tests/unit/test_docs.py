"""Pages made from data stay current with it."""

from infra.demo_portal.describe import DOC, render


def test_portal_page_is_made_from_portals_json():
    assert DOC.read_text() == render(), "run `make docs` and commit docs/portals.md"


def test_api_page_lists_every_route():
    from pathlib import Path

    from adapters.web.openapi import with_routes
    from adapters.web.routes import ROUTES

    page = Path("docs/api.md").read_text()
    assert page == with_routes(page, ROUTES), "run `make docs` and commit docs/api.md"
    for route in ROUTES:
        assert f"`{route.method} {route.path}`" in page


def test_events_page_has_a_valid_current_sample_of_every_event():
    import json
    import re
    from pathlib import Path

    from schemas.samples import with_samples
    from schemas.topics import MODEL_BY_TOPIC

    page = Path("docs/events.md").read_text()
    assert page == with_samples(page), "run `make docs` and commit docs/events.md"
    shown = re.findall(
        r"### `([a-z-]+)` \(version (\d+)\)\n\n```json\n(.*?)\n```", page, re.S
    )
    assert {topic for topic, _, _ in shown} == set(MODEL_BY_TOPIC)
    for topic, version, body in shown:
        model = MODEL_BY_TOPIC[topic]
        event = model.parse_raw_event(body.encode())  # valid, as a consumer reads it
        assert event.version == model.VERSION == int(version)
        assert json.loads(body)["type"] == topic
