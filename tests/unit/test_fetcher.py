"""Fetcher decisions with in-memory stores and a scripted portal (the real portal is
exercised end to end in tests/e2e)."""

from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest

from adapters.portals.protocol import (
    DocumentRef,
    InvalidCredentials,
    LayoutChanged,
    PortalUnavailable,
    RateLimited,
)
from adapters.store.memory import (
    InMemoryConnectionStore,
    InMemoryDocumentStore,
    InMemoryFileStore,
)
from agents.fetch_policy import FailureAction, RetryBackoff, action_for, retry_at
from agents.fetcher import FetcherHandler
from agents.scheduler import SchedulePolicy, SchedulerHandler
from schemas.errors import ErrorCode
from schemas.records import ConnectionStatus, DocumentMetadata
from tests.unit.factories import NOW, created, drain

BACKOFF = RetryBackoff(base_seconds=60, cap_seconds=3600, max_attempts=3)


def ref(n: int, issued: date) -> DocumentRef:
    meta = DocumentMetadata(number=f"N{n}", issued_on=issued)
    return DocumentRef(
        supplier_document_id=f"d{n}",
        metadata=meta,
        download_url=f"/d{n}",
        filename=f"d{n}.pdf",
    )


class ScriptedPortal:
    def __init__(self, refs=(), fail_login=None):
        self.refs, self.fail_login, self.logins, self.downloads = (
            list(refs),
            fail_login,
            0,
            [],
        )

    async def login(self, credentials):
        self.logins += 1
        if self.fail_login:
            raise self.fail_login

    async def list_documents(self, since):
        for r in self.refs:
            yield r

    async def download(self, r):
        self.downloads.append(r.supplier_document_id)
        return f"%PDF {r.supplier_document_id}".encode()


class Portals:
    def __init__(self, portal):
        self.portal = portal

    def supplier_name(self, supplier_id):
        return "Northwind Energy"

    @asynccontextmanager
    async def open(self, supplier_id, variant):
        yield self.portal


async def setup(portal):
    store, docs = InMemoryConnectionStore(), InMemoryDocumentStore()
    out = await drain(
        SchedulerHandler(store, SchedulePolicy(), lambda: NOW).on_connection_created(
            created()
        )
    )
    fetcher = FetcherHandler(
        connections=store,
        documents=docs,
        files=InMemoryFileStore(),
        portals=Portals(portal),
        unseal=lambda sealed: None,
        schedule=SchedulePolicy(),
        backoff=BACKOFF,
        clock=lambda: NOW,
        jitter=lambda: 0.0,
    )
    return store, fetcher, out[-1].event


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
    assert conn.next_check_at == NOW + timedelta(days=7)
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
    assert [o.topic for o in out] == ["dead-letter"]
    assert "layout_changed" in out[0].event.error


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
    }
    if code in user:
        assert action is FailureAction.DISRUPT
    elif code is ErrorCode.LAYOUT_CHANGED:
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
