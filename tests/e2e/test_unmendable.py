"""A failure no retry mends ends the run at once with a status and a warning for the
tenant and the operator: credentials sealed to a key the fetchers do not hold, and a
supplier that is not in the catalog. Before, the first was dead-lettered after three
tries and the connection showed `fetching` for 30 minutes, telling nobody."""

from adapters.vault.sealing import KeyRing
from tests.bus import produce
from tests.e2e.api_helpers import connection_state
from tests.e2e.fleet import events_for
from tests.e2e.test_pipeline import wait_for
from tests.e2e.upstream import connection_created, unique


async def test_credentials_sealed_to_a_foreign_key_disrupt_and_tell_everyone(
    stack, web, tmp_path
):
    KeyRing.create(tmp_path / "foreign")
    foreign = KeyRing.load(tmp_path / "foreign")
    conn, notify = unique("conn"), f"{unique('books')}@example.com"
    raw = connection_created(
        foreign, tenant="alpha", connection=conn, login=conn, password="x",
        notify=notify,
    )  # fmt: skip
    await produce(stack.kafka, "connection-created", raw, conn.encode())

    body = await connection_state(
        web, "alpha", conn, lambda c: c["state"] == "disrupted", timeout=30
    )
    assert body["warning"]["code"] == "credentials_unreadable"
    assert "login again" in body["warning"]["remedy"]
    (alert,) = await events_for(stack, "operator-alert", conn)
    assert alert["alert"] == "credentials_unreadable"
    assert foreign.current_key_id in alert["detail"]

    async def mailed():
        return stack.mail.to(notify)

    assert await wait_for(mailed, timeout=30)
    mail = stack.mail.to(notify)[0].get_body(("plain",)).get_content()
    assert "login again" in mail
    assert await stack.login_attempts(conn) == 0  # the portal was never asked
    log = stack.worker_log.read_text()
    assert "OPERATOR ALERT" in log and conn in log


async def test_a_supplier_missing_from_the_catalog_stalls_with_a_warning(stack, web):
    conn = unique("conn")
    raw = connection_created(
        stack.keys, tenant="alpha", connection=conn, login="x", password="y",
        supplier="gone-energy",
    )  # fmt: skip
    await produce(stack.kafka, "connection-created", raw, conn.encode())

    body = await connection_state(
        web, "alpha", conn, lambda c: c["state"] == "stalled", timeout=30
    )
    assert body["warning"]["code"] == "supplier_unknown"
    assert body["status"] == "pending" and body["supplier_name"] == "gone-energy"
    (alert,) = await events_for(stack, "operator-alert", conn)
    assert alert["alert"] == "supplier_unknown" and "catalog" in alert["detail"]
    (letter,) = await events_for(stack, "dead-letter", conn)
    assert letter["error"].startswith("supplier_unknown")
