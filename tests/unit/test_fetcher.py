"""Fetcher decisions with in-memory stores and a scripted portal (the real portal is
exercised end to end in tests/e2e)."""

import asyncio
import json
from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest

from adapters.portals.catalog import Catalog
from adapters.portals.directory import CatalogDirectory
from adapters.portals.protocol import (
    CodeSent,
    DocumentRef,
    InvalidCredentials,
    LayoutChanged,
    PortalUnavailable,
    RateLimited,
    WrongChallengeCode,
)
from adapters.store.memory import InMemoryConnectionStore, InMemorySupplierStore
from adapters.store.memory_records import InMemoryDocumentStore, InMemoryFileStore
from adapters.vault.ports import UnsealError
from agents.fetch_deps import FetchDeps
from agents.fetch_policy import (
    FailureAction,
    RetryBackoff,
    action_for,
    retry_at,
    should_pause_supplier,
)
from agents.fetcher import FetcherHandler
from agents.schedule_policy import SchedulePolicy, next_check_at
from agents.scheduler import SchedulerHandler
from schemas.errors import ErrorCode
from schemas.events import ChallengeAnswered
from schemas.records import (
    ChallengeMedium,
    ConnectionStatus,
    DocumentMetadata,
    SealedSecret,
)
from tests.unit.factories import NOW, created, drain

BACKOFF = RetryBackoff(base_seconds=60, cap_seconds=3600, max_attempts=3)
DIRECTORY = CatalogDirectory(Catalog.load())


def ref(n: int, issued: date) -> DocumentRef:
    meta = DocumentMetadata(number=f"N{n}", issued_on=issued)
    return DocumentRef(
        supplier_document_id=f"d{n}",
        metadata=meta,
        download_url=f"/d{n}",
        filename=f"d{n}.pdf",
    )


class ScriptedPortal:
    """Scripted answers; its state is a dict the fake vault 'seals' as is."""

    def __init__(self, refs=(), fail_login=None, code="123456"):
        self.refs, self.fail_login, self.code = list(refs), fail_login, code
        self.logins, self.downloads, self.answers = 0, [], []
        self.state = {}

    async def login(self, credentials):
        self.logins += 1
        if self.fail_login:
            raise self.fail_login

    async def answer_challenge(self, code):
        self.answers.append(code)
        if code != self.code:
            raise WrongChallengeCode("no")

    async def resume(self):
        return self.state.get("session") == "live"

    def export_state(self):
        return {"session": "live"}

    def restore_state(self, state):
        self.state = state

    async def list_documents(self, since):
        for r in self.refs:
            yield r

    async def download(self, r):
        self.downloads.append(r.supplier_document_id)
        return f"%PDF {r.supplier_document_id}".encode()


class Portals:
    """The PortalOpener: every open gives the scripted portal. What the catalog says
    of the supplier comes from the real catalog (DIRECTORY)."""

    def __init__(self, portal):
        self.portal = portal

    @asynccontextmanager
    async def open(self, supplier_id, variant):
        yield self.portal


class PlainVault:
    """Stands in for sealing in decisions tests; sealing has its own tests."""

    def unseal(self, sealed):
        return None

    def seal_data(self, data):
        return SealedSecret(key_id="k", ciphertext=json.dumps(data))

    def unseal_data(self, sealed):
        try:
            return json.loads(sealed.ciphertext)
        except ValueError:
            raise UnsealError("corrupt") from None


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


async def setup(portal, clock=None, suppliers=None):
    store, docs = InMemoryConnectionStore(), InMemoryDocumentStore()
    suppliers = suppliers or InMemorySupplierStore()
    out = await drain(
        SchedulerHandler(
            store, SchedulePolicy(), suppliers, clock=lambda: NOW
        ).on_connection_created(created())
    )
    fetcher = fetcher_of(
        portal, store, docs, InMemoryFileStore(), suppliers, clock or (lambda: NOW)
    )
    return store, fetcher, out[-1].event


def fetcher_of(portal, connections, documents, files, suppliers, clock):
    """The fetcher over these stores, opening the scripted portal: the real catalog,
    a vault that seals as is, no jitter."""
    return FetcherHandler(
        FetchDeps(
            connections=connections,
            documents=documents,
            files=files,
            suppliers=suppliers,
            portals=Portals(portal),
            directory=DIRECTORY,
            vault=PlainVault(),
            schedule=SchedulePolicy(),
            backoff=BACKOFF,
            clock=clock,
            jitter=lambda: 0.0,
        )
    )


async def test_documents_since_collect_from_are_found_and_the_bookmark_moves():
    portal = ScriptedPortal(
        [ref(3, date(2025, 3, 5)), ref(2, date(2025, 2, 5)), ref(1, date(2024, 12, 5))]
    )
    store, fetcher, due = await setup(portal)
    out = await drain(fetcher.on_fetch_due(due))
    found = [o.event for o in out if o.topic == "document-found"]
    assert [f.supplier_document_id for f in found] == ["d2", "d3"]  # oldest first
    assert all(o.key == "t1" for o in out if o.topic == "document-found")
    conn = store.rows["c1"]
    assert conn.bookmark == date(2025, 3, 5) and conn.run_id is None
    assert conn.status is ConnectionStatus.CONNECTED and conn.documents_found == 2
    # Next at the connection's own phase of the week, at least half a week away.
    assert conn.next_check_at == next_check_at(conn, NOW, SchedulePolicy(), 0.0)
    assert NOW + timedelta(days=3.5) <= conn.next_check_at < NOW + timedelta(days=10.5)
    assert [
        o.event.new_status for o in out if o.topic == "connection-status-changed"
    ] == [ConnectionStatus.CONNECTED]


async def test_a_stale_or_repeated_fetch_due_does_nothing():
    portal = ScriptedPortal([ref(1, date(2025, 3, 5))])
    store, fetcher, due = await setup(portal)
    await drain(fetcher.on_fetch_due(due))
    assert await drain(fetcher.on_fetch_due(due)) == []
    assert portal.logins == 1


async def test_wrong_login_disrupts_once_and_is_not_retried():
    portal = ScriptedPortal(fail_login=InvalidCredentials("bad", field="password"))
    store, fetcher, due = await setup(portal)
    out = await drain(fetcher.on_fetch_due(due))
    assert [o.topic for o in out] == ["auth-failed", "connection-status-changed"]
    failed = out[0].event
    assert failed.error_code is ErrorCode.INVALID_CREDENTIALS
    assert failed.supplier_name == "Northwind Energy" and "password" in failed.remedy
    conn = store.rows["c1"]
    assert conn.status is ConnectionStatus.DISRUPTED and conn.next_check_at is None
    assert conn.disruption_id == failed.disruption_id


async def test_portal_outage_backs_off_honouring_retry_after():
    portal = ScriptedPortal(fail_login=RateLimited("429", retry_after=900))
    store, fetcher, due = await setup(portal)
    assert await drain(fetcher.on_fetch_due(due)) == []
    conn = store.rows["c1"]
    assert conn.failed_attempts == 1 and conn.run_id is None
    assert conn.next_check_at == NOW + timedelta(seconds=900)
    assert conn.status is ConnectionStatus.PENDING


async def test_layout_change_goes_to_operators_not_the_user():
    portal = ScriptedPortal(fail_login=LayoutChanged("no form"))
    store, fetcher, due = await setup(portal)
    out = await drain(fetcher.on_fetch_due(due))
    assert [o.topic for o in out][0] == "dead-letter"
    assert "layout_changed" in out[0].event.error
    assert "auth-failed" not in [o.topic for o in out]


async def test_layout_change_on_the_only_connection_pauses_the_supplier_once():
    suppliers = InMemorySupplierStore()
    portal = ScriptedPortal(fail_login=LayoutChanged("no form"))
    store, fetcher, due = await setup(portal, suppliers=suppliers)
    out = await drain(fetcher.on_fetch_due(due))
    assert [o.topic for o in out] == ["dead-letter", "operator-alert"]
    alert = out[1].event
    assert alert.supplier_id == "northwind-energy" and alert.connection_ids == ["c1"]
    assert await suppliers.paused() == {"northwind-energy"}
    assert out[1].key == "northwind-energy"


async def test_a_paused_supplier_is_not_fetched_and_keeps_its_turn():
    suppliers = InMemorySupplierStore()
    await suppliers.pause("northwind-energy", "layout_changed", NOW)
    portal = ScriptedPortal([ref(1, date(2025, 3, 5))])
    store, fetcher, due = await setup(portal, suppliers=suppliers)
    assert await drain(fetcher.on_fetch_due(due)) == []
    assert portal.logins == 0
    conn = store.rows["c1"]
    assert conn.run_id is None and conn.next_check_at == NOW  # due again on resume


def test_pause_needs_the_threshold_or_every_connection():
    assert not should_pause_supplier(failed=1, active=5, threshold=2)
    assert should_pause_supplier(failed=2, active=5, threshold=2)
    assert should_pause_supplier(failed=1, active=1, threshold=2)


def code_sent():
    return CodeSent(ChallengeMedium.SMS, "phone ending 42", ttl_seconds=300)


async def test_a_code_sent_pauses_the_run_and_the_answer_finishes_it():
    portal = ScriptedPortal([ref(1, date(2025, 3, 5))], fail_login=code_sent())
    store, fetcher, due = await setup(portal)
    out = await drain(fetcher.on_fetch_due(due))
    assert [o.topic for o in out] == ["challenge-required"]
    asked = out[0].event
    assert asked.medium is ChallengeMedium.SMS
    assert asked.expires_at == NOW + timedelta(seconds=300)
    conn = store.rows["c1"]
    assert conn.challenge.challenge_id == asked.challenge_id
    assert conn.run_id == due.correlation_id  # the run holds on while it waits

    answer = asked.caused(
        ChallengeAnswered,
        challenge_id=asked.challenge_id,
        code=PlainVault().seal_data({"code": "123456"}),
    )
    out = await drain(fetcher.on_challenge_answered(answer))
    assert [o.topic for o in out][:1] == ["document-found"]
    assert portal.answers == ["123456"]
    conn = store.rows["c1"]
    assert conn.challenge is None and conn.status is ConnectionStatus.CONNECTED
    assert conn.portal_session is not None  # kept for the next run
    assert await drain(fetcher.on_challenge_answered(answer)) == []  # answered once


async def test_a_wrong_code_disrupts_with_wrong_challenge_code():
    portal = ScriptedPortal(fail_login=code_sent())
    store, fetcher, due = await setup(portal)
    asked = (await drain(fetcher.on_fetch_due(due)))[0].event
    answer = asked.caused(
        ChallengeAnswered,
        challenge_id=asked.challenge_id,
        code=PlainVault().seal_data({"code": "000000"}),
    )
    out = await drain(fetcher.on_challenge_answered(answer))
    assert out[0].topic == "auth-failed"
    assert out[0].event.error_code is ErrorCode.WRONG_CHALLENGE_CODE


async def test_an_unanswered_code_expires_cleanly():
    clock = Clock()
    portal = ScriptedPortal(fail_login=code_sent())
    store, fetcher, due = await setup(portal, clock=clock)
    await drain(fetcher.on_fetch_due(due))
    assert await drain(fetcher.on_tick()) == []  # not yet
    clock.now = NOW + timedelta(seconds=301)
    out = await drain(fetcher.on_tick())
    assert [o.topic for o in out] == ["auth-failed", "connection-status-changed"]
    assert out[0].event.error_code is ErrorCode.CHALLENGE_EXPIRED
    conn = store.rows["c1"]
    assert conn.status is ConnectionStatus.DISRUPTED and conn.challenge is None
    assert await drain(fetcher.on_tick()) == []


async def test_a_kept_session_skips_the_login():
    portal = ScriptedPortal([ref(1, date(2025, 3, 5))])
    store, fetcher, due = await setup(portal)
    store.rows["c1"] = store.rows["c1"].model_copy(
        update={"portal_session": PlainVault().seal_data({"session": "live"})}
    )
    out = await drain(fetcher.on_fetch_due(due))
    assert portal.logins == 0 and [o.topic for o in out][0] == "document-found"


async def test_an_unreadable_kept_session_costs_a_login_not_the_run():
    portal = ScriptedPortal([ref(1, date(2025, 3, 5))])
    store, fetcher, due = await setup(portal)
    store.rows["c1"] = store.rows["c1"].model_copy(
        update={"portal_session": SealedSecret(key_id="old", ciphertext="not-json")}
    )
    out = await drain(fetcher.on_fetch_due(due))
    assert portal.logins == 1 and [o.topic for o in out][0] == "document-found"


@pytest.mark.parametrize("code", [c for c in ErrorCode])
def test_every_code_has_an_action(code):
    action = action_for(code, 1, BACKOFF)
    user = {
        ErrorCode.INVALID_CREDENTIALS,
        ErrorCode.SSO_ACCOUNT,
        ErrorCode.TWO_FACTOR_REQUIRED,
        ErrorCode.CHALLENGE_EXPIRED,
        ErrorCode.WRONG_CHALLENGE_CODE,
        ErrorCode.ACTION_NEEDED,
        ErrorCode.ACCOUNT_LOCKED,
        ErrorCode.CREDENTIALS_UNREADABLE,  # entering the login again mends it
    }
    if code in user:
        assert action is FailureAction.DISRUPT
    elif code in (ErrorCode.LAYOUT_CHANGED, ErrorCode.SUPPLIER_UNKNOWN):
        assert action is FailureAction.GIVE_UP
    else:
        assert action is FailureAction.RETRY


def test_transient_failures_give_up_after_max_attempts():
    assert action_for(ErrorCode.PORTAL_UNAVAILABLE, 3, BACKOFF) is FailureAction.GIVE_UP


def test_backoff_doubles_is_capped_and_never_undercuts_retry_after():
    assert retry_at(NOW, 1, None, BACKOFF) == NOW + timedelta(seconds=60)
    assert retry_at(NOW, 3, None, BACKOFF) == NOW + timedelta(seconds=240)
    assert retry_at(NOW, 20, None, BACKOFF) == NOW + timedelta(seconds=3600)
    assert retry_at(NOW, 20, 7200, BACKOFF) == NOW + timedelta(seconds=7200)


def test_portal_unavailable_carries_no_secret():
    err = PortalUnavailable("cannot reach portal: ClientConnectorError")
    assert err.code is ErrorCode.PORTAL_UNAVAILABLE and err.retry_after is None


class OverlappingPortal(ScriptedPortal):
    """Downloads that end in pairs the wrong way round: d1 ends only after d2 has
    ended, d3 after d4, and so on, so two are in flight at once and the later one
    is ready first. One of them may fail. Counts those in flight."""

    def __init__(self, refs, broken=None):
        super().__init__(refs)
        self.broken, self.in_flight, self.peak = broken, 0, 0
        self.ended: dict[int, asyncio.Event] = {}

    async def download(self, r):
        n = int(r.supplier_document_id[1:])
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if n % 2 and n + 1 <= len(self.refs):
                later = self.ended.setdefault(n + 1, asyncio.Event())
                await asyncio.wait_for(later.wait(), 1)
            if r.supplier_document_id == self.broken:
                raise PortalUnavailable("the download broke off")
            return await super().download(r)
        finally:
            self.in_flight -= 1
            self.ended.setdefault(n, asyncio.Event()).set()


async def test_downloads_go_on_side_by_side_and_are_handed_on_in_order():
    refs = [ref(n, date(2025, 1, n)) for n in range(1, 10)]
    portal = OverlappingPortal(reversed(refs))
    store, fetcher, due = await setup(portal)
    out = await drain(fetcher.on_fetch_due(due))
    found = [o.event.supplier_document_id for o in out if o.topic == "document-found"]
    assert found == [f"d{n}" for n in range(1, 10)]  # oldest first, as listed
    width = DIRECTORY.parallel_downloads("northwind-energy")
    assert 1 < portal.peak <= width
    assert store.rows["c1"].bookmark == date(2025, 1, 9)


async def test_a_failed_download_keeps_what_came_before_it_and_the_bookmark():
    refs = [ref(n, date(2025, 1, n)) for n in range(1, 10)]
    portal = OverlappingPortal(refs, broken="d4")
    store, fetcher, due = await setup(portal)
    out = await drain(fetcher.on_fetch_due(due))
    found = [o.event.supplier_document_id for o in out if o.topic == "document-found"]
    assert found == ["d1", "d2", "d3"]
    conn = store.rows["c1"]
    assert conn.bookmark is None and conn.last_error == "portal_unavailable"
