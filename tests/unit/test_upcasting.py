"""Version-1 events, in the shape their version-1 JSON Schema allowed (taken from the
schemas/json of the commit before each version 2), still read with today's models
through the real upcasters."""

import json
from pathlib import Path

import pytest

from schemas.envelope import UPCASTERS
from schemas.topics import MODEL_BY_TOPIC

V1 = Path(__file__).parents[1] / "fixtures" / "v1"


@pytest.mark.parametrize("path", sorted(V1.glob("*.json")), ids=lambda p: p.stem)
def test_a_version_1_event_reads_with_todays_model(path):
    raw = path.read_bytes()
    old = json.loads(raw)
    model = MODEL_BY_TOPIC[old["type"]]
    assert old["version"] == 1 < model.VERSION
    assert (old["type"], 1) in UPCASTERS
    event = model.parse_raw_event(raw)
    assert event.version == model.VERSION
    assert event.event_id == old["event_id"]
    assert event.tenant_id == old["tenant_id"]
    assert event.connection_id == old["connection_id"]


def test_every_upcaster_has_a_recorded_version_1_event():
    recorded = {p.stem for p in V1.glob("*.json")}
    assert {topic for topic, version in UPCASTERS if version == 1} == recorded


V2 = Path(__file__).parents[1] / "fixtures" / "v2"


@pytest.mark.parametrize("path", sorted(V2.glob("*.json")), ids=lambda p: p.stem)
def test_a_version_2_event_reads_with_todays_model(path):
    """Taken from docs/events.md before version 3 added where facts come from."""
    raw = path.read_bytes()
    old = json.loads(raw)
    model = MODEL_BY_TOPIC[old["type"]]
    assert old["version"] == 2 < model.VERSION
    event = model.parse_raw_event(raw)
    assert event.version == model.VERSION
    facts = event.item.facts if old["type"] == "inbox-posted" else event.facts
    assert facts.total.value == _old_facts(old)["total"]["value"]
    assert facts.read_from is None and facts.e_invoice is None


def _old_facts(old: dict) -> dict:
    return old["item"]["facts"] if "item" in old else old["facts"]
