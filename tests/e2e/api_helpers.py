"""Helpers for the API tests: a connection body for a demo account, and waiting."""

from tests.e2e.fleet import SPECS
from tests.e2e.test_pipeline import wait_for


def body_for(key: str, login: str, password: str | None = None, **kw) -> dict:
    spec = SPECS[key]
    account = spec.account(login)
    body = {
        "supplier_id": spec.supplier_id,
        "portal_variant": spec.variant,
        "connector_kind": "cost",
        "document_owner": account.customer,
        "notify_email": "books@example.com",
        "collect_from": "2025-01-01",
        "login": login,
        "password": account.password if password is None else password,
    }
    if account.totp_secret:
        body["totp_secret"] = account.totp_secret
    return body | kw


async def connection_state(web, tenant: str, conn: str, want, timeout: float = 60):
    """The connection once want(it) holds."""

    async def check():
        status, body = await web.call(tenant, "GET", f"/v1/connections/{conn}")
        return body if status == 200 and want(body) else None

    return await wait_for(check, timeout=timeout)
