"""Tenant isolation, tried on every route of the API: another tenant's ids answer
exactly like ids that do not exist, and nothing of the owner's changes."""

import re

from adapters.web.routes import ROUTES
from tests.e2e.api_helpers import body_for, connection_state

BODIES = {
    "LoginIn": {"login": "someone", "password": "guess"},
    "ChallengeAnswerIn": {"challenge_id": "c1", "code": "123456"},
    "SettingsIn": {"dedupe_mode": "automatic"},
}


async def alpha_owns(web) -> dict[str, str]:
    body = body_for("parcelpoint/default", "depot-8", notify_email="a8@example.com")
    status, conn = await web.call("alpha", "POST", "/v1/connections", json=body)
    assert status == 201, conn
    cid = conn["connection_id"]
    await connection_state(web, "alpha", cid, lambda c: c["documents_collected"] > 0)
    _, inbox = await web.call("alpha", "GET", f"/v1/inbox?connection_id={cid}")
    invitation = {
        "client_email": "client-iso@example.com",
        "supplier_id": "northwind-energy",
        "connector_kind": "cost",
        "document_owner": "Iso Ltd",
        "collect_from": "2025-01-01",
    }
    status, inv = await web.call("alpha", "POST", "/v1/invitations", json=invitation)
    assert status == 201, inv
    return {
        "connection_id": cid,
        "item_id": inbox["items"][0]["item_id"],
        "invitation_id": inv["invitation_id"],
        "supplier_id": "northwind-energy",
    }


async def test_no_route_lets_a_tenant_read_change_or_learn_of_another(web):
    ids = await alpha_owns(web)
    _, conn_before = await web.call(
        "alpha", "GET", f"/v1/connections/{ids['connection_id']}"
    )
    tried = 0
    for route in ROUTES:
        if route.body is not None and route.body.__name__ not in BODIES:
            continue  # creations: a tenant can only create its own
        path = route.path.format(**ids)
        kw = {"json": BODIES[route.body.__name__]} if route.body else {}
        params = set(re.findall(r"{(\w+)}", route.path)) - {"supplier_id"}
        status, answer = await web.call("beta", route.method, path, **kw)
        if params:  # another tenant's object: exactly like a missing one
            _, missing = await web.call(
                "beta", route.method, route.path.format(**dict.fromkeys(ids, "x")), **kw
            )
            assert (status, answer) == (404, missing), route.path
        else:  # lists and the catalog: none of alpha's ids appear
            assert status == 200, (route.path, answer)
            assert not any(
                v in str(answer) for k, v in ids.items() if k != "supplier_id"
            )
        # And without a key, or with a wrong one, nothing at all.
        for headers in ({}, {"Authorization": "Bearer bh_wrong"}):
            got, answer = await web.call(
                None, route.method, path, headers=headers, **kw
            )
            assert got == 401 and answer["error"]["code"] in (
                "unauthenticated",
                "invalid_api_key",
            )
        tried += 1
    assert tried >= len(ROUTES) - 2  # all but the two creations

    _, conn_after = await web.call(
        "alpha", "GET", f"/v1/connections/{ids['connection_id']}"
    )
    assert conn_after["status"] == conn_before["status"] != "deleted"
    _, inv = await web.call("alpha", "GET", f"/v1/invitations/{ids['invitation_id']}")
    assert inv["status"] == "pending"
