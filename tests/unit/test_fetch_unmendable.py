"""Failures no retry mends end the run at once and say so: credentials sealed to a key
the fetcher does not hold, a supplier gone from the catalog, an event about a
connection that does not exist."""

from contextlib import asynccontextmanager

import pytest

from adapters.portals.catalog import UnknownSupplier
from adapters.vault.ports import UnsealError
from adapters.web.views import state_of, warning_of
from schemas.errors import ErrorCode
from schemas.events import FetchDue
from schemas.records import ConnectionStatus
from streams.publish import ListPublisher
from streams.stage import RetryPolicy, StageRunner, Unprocessable
from tests.unit.factories import NOW, drain
from tests.unit.test_fetcher import Portals, ScriptedPortal, setup


class ForeignKeys:
    """A vault that holds none of the keys the credentials were sealed with."""

    def unseal(self, sealed):
        raise UnsealError(f"no private key for key id {sealed.key_id}")


class CatalogWithout(Portals):
    @asynccontextmanager
    async def open(self, supplier_id, variant):
        raise UnknownSupplier(f"unknown supplier {supplier_id!r}")
        yield


async def test_credentials_that_cannot_be_unsealed_disrupt_at_once():
    portal = ScriptedPortal()
    store, fetcher, due = await setup(portal)
    fetcher.deps.vault = ForeignKeys()
    out = await drain(fetcher.on_fetch_due(due))
    assert [o.topic for o in out] == [
        "operator-alert",
        "auth-failed",
        "connection-status-changed",
    ]
    alert, failed = out[0].event, out[1].event
    assert alert.error_code is ErrorCode.CREDENTIALS_UNREADABLE
    assert "k1" in alert.detail and "BILLHOUND_VAULT_KEYS_DIR" in alert.detail
    assert failed.error_code is ErrorCode.CREDENTIALS_UNREADABLE
    assert "login again" in failed.remedy
    conn = store.rows["c1"]
    assert conn.status is ConnectionStatus.DISRUPTED and conn.run_id is None
    assert portal.logins == 0  # no portal is asked with a login we cannot read
    assert warning_of(conn).code is ErrorCode.CREDENTIALS_UNREADABLE


async def test_a_supplier_not_in_the_catalog_stalls_with_a_warning():
    store, fetcher, due = await setup(ScriptedPortal())
    fetcher.deps.portals = CatalogWithout(None)
    out = await drain(fetcher.on_fetch_due(due))
    assert [o.topic for o in out] == ["operator-alert", "dead-letter"]
    assert "catalog" in out[0].event.detail
    conn = store.rows["c1"]
    assert conn.run_id is None and conn.last_error == "supplier_unknown"
    assert conn.status is ConnectionStatus.PENDING  # the schedule goes on
    assert state_of(conn, NOW) == "stalled"  # not "fetching", as it used to say
    assert warning_of(conn).code is ErrorCode.SUPPLIER_UNKNOWN


@pytest.mark.parametrize("change", [{"connection_id": "nope"}, {"tenant_id": "t9"}])
async def test_fetch_due_for_an_unknown_connection_is_unprocessable(change):
    store, fetcher, due = await setup(ScriptedPortal())
    with pytest.raises(Unprocessable, match="unknown connection"):
        await drain(fetcher.on_fetch_due(due.model_copy(update=change)))


async def test_an_unprocessable_event_is_dead_lettered_without_retries():
    calls = []

    async def handler(event):
        calls.append(1)
        raise Unprocessable("fetch-due for unknown connection c")
        yield

    runner = StageRunner("t", ListPublisher(), RetryPolicy(3, 0))
    due = FetchDue(tenant_id="t", connection_id="c", reason="manual", since=NOW.date())
    await runner.run(FetchDue, due.to_bytes(), handler, topic="fetch-due", key=b"c")
    (letter,) = runner.publisher.events("dead-letter")
    assert calls == [1] and letter.attempts == 1
    assert letter.error == "fetch-due for unknown connection c"
