"""The wire contract: parsing, unknown and missing fields, versions, schema files."""

import json

import pytest

from schemas.envelope import UPCASTERS
from schemas.events import FetchDue
from schemas.export import JSON_DIR, render
from tests.unit.factories import created


def test_round_trip_keeps_every_field():
    event = created()
    assert type(event).parse_raw_event(event.to_bytes()) == event


def test_unknown_fields_are_ignored():
    data = json.loads(created().to_bytes()) | {"added_in_v2": 1}
    assert type(created()).parse_raw_event(json.dumps(data).encode()).tenant_id == "t1"


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"\x00\xff", "not JSON"),
        (b"[]", "not a JSON object"),
        (b'{"type": "fetch-due", "version": 1}', "tenant_id: Field required"),
        (b'{"type": "inbox-posted", "version": 1}', "expected type 'fetch-due'"),
        (b'{"type": "fetch-due", "version": 9}', "newer than supported"),
        (b'{"type": "fetch-due"}', "missing or invalid 'version'"),
    ],
)
def test_bad_events_are_refused_with_the_reason(raw, reason):
    with pytest.raises(ValueError, match=reason):
        FetchDue.parse_raw_event(raw)


def test_old_versions_are_upcast(monkeypatch):
    class FetchDueV2(FetchDue):
        VERSION = 2

    def v1_to_v2(data):
        return data | {"version": 2, "attempt": data.get("tries", 1)}

    monkeypatch.setitem(UPCASTERS, ("fetch-due", 1), v1_to_v2)
    raw = json.dumps(
        {
            "type": "fetch-due",
            "version": 1,
            "tenant_id": "t",
            "connection_id": "c",
            "reason": "manual",
            "since": "2025-01-01",
            "tries": 3,
        }
    ).encode()
    assert FetchDueV2.parse_raw_event(raw).attempt == 3


def test_exported_json_schemas_are_current():
    """Fails when a model changes without `make schemas`: the files are the contract."""
    rendered = render()
    on_disk = {p.name: p.read_text() for p in JSON_DIR.glob("*.schema.json")}
    assert on_disk == rendered, "run `make schemas` and commit schemas/json"


def test_every_contract_topic_has_a_schema_file():
    names = {p.name.removesuffix(".schema.json") for p in JSON_DIR.glob("*.json")}
    assert names == {
        "connection-created",
        "fetch-due",
        "fetch-requested",
        "document-found",
        "document-accepted",
        "document-rejected",
        "inbox-posted",
        "challenge-required",
        "challenge-answered",
        "operator-alert",
        "auth-failed",
        "connection-status-changed",
        "dead-letter",
    }
