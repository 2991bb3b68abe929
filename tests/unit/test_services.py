"""The use cases over in-memory stores: what each publishes and stores, and the
domain error it raises when it cannot (the web maps those to HTTP in one place)."""

from datetime import date, timedelta

import pytest
from nacl.public import PrivateKey

from adapters.portals.catalog import Catalog
from adapters.portals.directory import CatalogDirectory
from adapters.portals.live_view import ticket_hash
from adapters.portals.protocol import CheckResult
from adapters.store.memory import InMemoryConnectionStore, InMemorySupplierStore
from adapters.store.memory_records import InMemoryInboxStore
from adapters.vault.sealing import KeyRing, PublicKeySealer
from adapters.web.errors import as_api_error
from agents.schedule_policy import SchedulePolicy
from agents.scheduler import SchedulerHandler
from agents.services.bus import Bus
from agents.services.commands import AnswerCode, Connect, Login, Reconnect
from agents.services.connections import Connections
from agents.services.errors import (
    Conflict,
    Gone,
    Invalid,
    LoginRefused,
    NotFound,
    Refused,
    Unavailable,
)
from agents.services.logins import Logins
from schemas.errors import ErrorCode
from schemas.records import (
    ChallengeMedium,
    ConnectionStatus,
    ConnectorKind,
    LiveView,
    PendingChallenge,
)
from streams.publish import ListPublisher
from tests.unit.factories import NOW, drain

POLICY = SchedulePolicy(lease_seconds=600)
KEY = PrivateKey.generate()


class Portal:
    """The connect-time check's answer, chosen by the test."""

    def __init__(self, refuse: ErrorCode | None = None) -> None:
        self.refuse, self.checked = refuse, 0

    async def check(self, supplier_id, variant, credentials) -> CheckResult:
        self.checked += 1
        if self.refuse is None:
            return CheckResult(ok=True, supplier_id=supplier_id, variant=variant)
        return CheckResult(
            ok=False, supplier_id=supplier_id, variant=variant, code=self.refuse
        )


class DownPublisher:
    async def publish(self, out) -> None:
        raise ConnectionError("broker away")


def service(portal=None, publisher=None, store=None) -> Connections:
    sealer = PublicKeySealer(KeyRing([KEY]).public_key_b64())
    logins = Logins(CatalogDirectory(Catalog.load()), portal or Portal(), sealer)
    return Connections(
        store if store is not None else InMemoryConnectionStore(),
        InMemoryInboxStore(),
        logins,
        sealer,
        Bus(publisher if publisher is not None else ListPublisher()),
        POLICY,
        lambda: NOW,
    )


def connect(**kw) -> Connect:
    fields = dict(
        tenant_id="t1",
        supplier_id="northwind-energy",
        portal_variant="default",
        connector_kind=ConnectorKind.COST,
        document_owner="ACME Ltd",
        notify_email="books@example.com",
        collect_from=date(2025, 1, 1),
        schedule_hours=168.0,
        login=Login("ada@example.com", "s3cret!"),
    )
    return Connect(**(fields | kw))


async def test_connect_publishes_then_stores_the_record_it_answers_with():
    published, store = ListPublisher(), InMemoryConnectionStore()
    cid, conn = await service(publisher=published, store=store).connect(connect())
    (event,) = published.events("connection-created")
    assert event.connection_id == cid and conn is not None
    assert store.rows[cid].status is ConnectionStatus.PENDING
    assert store.rows[cid].run_id == event.correlation_id  # holds its first run
    assert store.rows[cid].announced_at is None  # the scheduler announces it
    assert "s3cret" not in event.model_dump_json()  # sealed, never in clear


async def test_the_scheduler_announces_a_connection_the_api_stored_once():
    published, store = ListPublisher(), InMemoryConnectionStore()
    cid, _ = await service(publisher=published, store=store).connect(connect())
    (event,) = published.events("connection-created")
    scheduler = SchedulerHandler(
        store, POLICY, InMemorySupplierStore(), lambda _: 2, lambda: NOW
    )
    first = await drain(scheduler.on_connection_created(event))
    assert [o.topic for o in first] == ["connection-status-changed", "fetch-due"]
    assert first[1].event.correlation_id == store.rows[cid].run_id
    again = await drain(scheduler.on_connection_created(event))
    assert again == [] and store.rows[cid].announced_at == NOW


async def test_a_bus_that_is_away_leaves_nothing_behind():
    store = InMemoryConnectionStore()
    with pytest.raises(Unavailable) as err:
        await service(publisher=DownPublisher(), store=store).connect(connect())
    assert err.value.code == "bus_unavailable" and store.rows == {}


async def test_what_the_catalog_does_not_offer_is_refused_before_any_login():
    portal = Portal()
    with pytest.raises(Refused) as err:
        await service(portal).connect(connect(portal_variant="mars"))
    assert err.value.code == "unknown_variant"
    assert err.value.extra["field"] == "portal_variant" and portal.checked == 0
    with pytest.raises(Refused) as err:
        await service(portal).connect(connect(connector_kind=ConnectorKind.SALES))
    assert err.value.code == "kind_not_offered"


async def test_a_refused_login_says_which_connection_it_was_about():
    published, store = ListPublisher(), InMemoryConnectionStore()
    cid, _ = await service(publisher=published, store=store).connect(connect())
    refusing = service(Portal(ErrorCode.INVALID_CREDENTIALS), store=store)
    with pytest.raises(LoginRefused) as err:
        await refusing.reconnect(Reconnect("t1", cid, Login("ada", "wrong")))
    assert err.value.code == "invalid_credentials"
    assert err.value.message.startswith("Northwind Energy for ACME Ltd: ")
    assert as_api_error(err.value).status == 422


async def test_changes_the_state_does_not_allow_are_conflicts_not_no_ops():
    store = InMemoryConnectionStore()
    svc = service(store=store)
    cid, _ = await svc.connect(connect())
    await svc.pause("t1", cid)
    with pytest.raises(Conflict, match="it is paused: resume it first"):
        await svc.fetch_now("t1", cid)
    with pytest.raises(Conflict, match="not waiting for that code"):
        await svc.answer_code(AnswerCode("t1", cid, "nope", "123456"))
    await svc.resume("t1", cid)
    with pytest.raises(Conflict, match="not paused"):
        await svc.resume("t1", cid)


async def test_another_tenants_connection_is_not_found():
    svc = service()
    cid, _ = await svc.connect(connect())
    with pytest.raises(NotFound):
        await svc.pause("someone-else", cid)


def test_each_kind_of_domain_error_has_one_http_status():
    statuses = {
        kind: as_api_error(kind("code", "message")).status
        for kind in (Invalid, Conflict, Gone, Refused, Unavailable)
    }
    assert statuses == {
        Invalid: 400,
        Conflict: 409,
        Gone: 410,
        Refused: 422,
        Unavailable: 503,
    }
    assert as_api_error(NotFound("connection")).status == 404
    wait = LoginRefused(ErrorCode.PORTAL_UNAVAILABLE, "later", None, 30)
    assert as_api_error(wait).status == 503
    assert as_api_error(LoginRefused(ErrorCode.LAYOUT_CHANGED, "ours")).status == 502


class AwayStore(InMemoryConnectionStore):
    """The database went away between the publish and the write."""

    async def create(self, conn):
        raise ConnectionError("database away")


async def test_a_record_the_database_refused_is_left_to_the_scheduler():
    published = ListPublisher()
    cid, conn = await service(publisher=published, store=AwayStore()).connect(connect())
    assert conn is None  # the API answers 202: accepted, look again shortly
    (event,) = published.events("connection-created")
    assert event.connection_id == cid  # the scheduler stores it from the event


async def test_a_portals_step_for_a_person_opens_once_per_ticket_and_takes_no_code():
    store = InMemoryConnectionStore()
    svc = service(store=store)
    cid, _ = await svc.connect(connect())
    conn = store.rows[cid]
    pending = PendingChallenge(
        challenge_id="ch1",
        run_id=conn.run_id,
        medium=ChallengeMedium.CAPTCHA,
        expires_at=NOW + timedelta(minutes=5),
        live_view=LiveView(address="http://worker:8081", view_id="v1"),
    )
    store.rows[cid] = conn.await_person(conn.run_id, pending, NOW + timedelta(hours=1))
    with pytest.raises(Conflict, match="open the live view"):
        await svc.answer_code(AnswerCode("t1", cid, "ch1", "123456"))
    with pytest.raises(NotFound):
        await svc.open_live_view("someone-else", cid)
    view, ticket = await svc.open_live_view("t1", cid)
    stored = store.rows[cid].challenge.live_view
    assert view.view_id == "v1" and stored.viewer_hash == ticket_hash(ticket)
    assert ticket not in store.rows[cid].model_dump_json()  # only its sha256
    _, again = await svc.open_live_view("t1", cid)
    assert store.rows[cid].challenge.live_view.viewer_hash == ticket_hash(again)
