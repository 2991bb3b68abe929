"""Pure decisions of the web side: what state a page shows, where a resume goes, which
HTTP status a refused check gets, and that every route is in the OpenAPI document."""

from datetime import timedelta

from adapters.web.errors import check_failed
from adapters.web.openapi import openapi
from adapters.web.routes import ROUTES
from adapters.web.views import state_of, warning_of
from agents.schedule_policy import SchedulePolicy, new_connection
from schemas.errors import ErrorCode
from schemas.records import ChallengeMedium, ConnectionStatus, PendingChallenge
from tests.unit.factories import NOW, created

S = ConnectionStatus


def conn(**changes):
    base = new_connection(created(), NOW, SchedulePolicy())
    return base.model_copy(update={"run_id": None, "run_lease_until": None} | changes)


def test_the_state_a_person_sees():
    assert state_of(conn(status=S.PENDING), NOW) == "fetching"
    assert state_of(conn(status=S.CONNECTED), NOW) == "connected"
    running = conn(
        status=S.CONNECTED, run_id="r", run_lease_until=NOW + timedelta(minutes=1)
    )
    assert state_of(running, NOW) == "fetching"
    stale = running.model_copy(update={"run_lease_until": NOW - timedelta(seconds=1)})
    assert state_of(stale, NOW) == "connected"
    code = PendingChallenge(
        challenge_id="c", run_id="r", medium=ChallengeMedium.SMS, expires_at=NOW
    )
    assert state_of(conn(status=S.CONNECTED, challenge=code), NOW) == "waiting_for_code"
    assert state_of(conn(status=S.DISRUPTED), NOW) == "disrupted"
    assert state_of(conn(status=S.PAUSED), NOW) == "paused"


def test_a_warning_carries_the_tailored_remedy_or_the_taxonomys():
    broken = conn(status=S.DISRUPTED, last_error="sso_account")
    assert warning_of(broken).code is ErrorCode.SSO_ACCOUNT
    assert "single sign-on" in warning_of(broken).title
    tailored = broken.model_copy(update={"last_remedy": "Use the shop login."})
    assert warning_of(tailored).remedy == "Use the shop login."
    assert warning_of(conn(status=S.CONNECTED, last_error="rate_limited")) is None


def resumed_status(paused_from) -> ConnectionStatus:
    return paused_from.pause(NOW).resume(NOW).status


def test_resume_returns_to_where_it_was():
    assert resumed_status(conn(disruption_id="d", last_error="sso_account")) is (
        S.DISRUPTED
    )
    assert resumed_status(conn(last_fetch_at=NOW)) is S.CONNECTED
    assert resumed_status(conn()) is S.PENDING


def test_refused_checks_get_the_status_of_whose_move_it_is():
    assert check_failed(ErrorCode.INVALID_CREDENTIALS, "r", None, None).status == 422
    assert check_failed(ErrorCode.PORTAL_UNAVAILABLE, "r", None, 30).status == 503
    assert check_failed(ErrorCode.LAYOUT_CHANGED, "r", None, None).status == 502


def test_every_route_is_documented_with_its_errors():
    spec = openapi(ROUTES)
    for route in ROUTES:
        op = spec["paths"][route.path][route.method.lower()]
        assert str(route.status) in op["responses"] and "401" in op["responses"]
        assert all(str(code) in op["responses"] for code in route.errors)
    assert len({r.operation_id for r in ROUTES}) == len(ROUTES)
