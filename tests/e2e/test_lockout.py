"""One wrong password costs exactly one login attempt, on every path a login comes in
by (the CLI, the API's connect and reconnect, an invitation), counted by the demo
portals themselves; and the right variant is still found for a login the portal says
it does not know."""

import json

from tests.e2e.api_helpers import body_for, connection_state
from tests.e2e.test_cli import billhound, check
from tests.e2e.test_invitations import invitation, link_mailed_to, page

RAINFOREST = ("rainforest/uk", "rainforest/de", "rainforest/business")
BUYER, BUYER_PASSWORD = "buyer@acme.example", "Rainforest-UK-1"


async def attempts_everywhere(stack, login: str) -> int:
    """Login attempts for this login, on every variant of Rainforest together."""
    return sum([await stack.login_attempts(login, key) for key in RAINFOREST])


async def test_a_wrong_password_costs_one_attempt_on_every_path(stack, web):
    before = await attempts_everywhere(stack, BUYER)
    code, result = check(stack, "rainforest", "uk", BUYER, "not-the-password")
    assert code == 1 and result["code"] == "invalid_credentials"
    assert await attempts_everywhere(stack, BUYER) == before + 1

    wrong = body_for("rainforest/uk", BUYER, "not-the-password")
    status, body = await web.call("alpha", "POST", "/v1/connections", json=wrong)
    assert status == 422 and body["error"]["code"] == "invalid_credentials"
    assert await attempts_everywhere(stack, BUYER) == before + 2

    # Reconnect of a working connection with a wrong password.
    status, made = await web.call(
        "alpha", "POST", "/v1/connections", json=body_for("rainforest/uk", BUYER)
    )
    assert status in (201, 202), made
    conn = made["connection_id"]
    await connection_state(web, "alpha", conn, lambda c: c["state"] == "connected")
    counted = await attempts_everywhere(stack, BUYER)
    status, body = await web.call(
        "alpha",
        "PUT",
        f"/v1/connections/{conn}/credentials",
        json={"login": BUYER, "password": "still-not-it"},
    )
    assert status == 422 and body["error"]["code"] == "invalid_credentials"
    assert await attempts_everywhere(stack, BUYER) == counted + 1

    # An invited client typing a wrong password.
    client = "lockout-client@example.com"
    await web.call(
        "alpha",
        "POST",
        "/v1/invitations",
        json=invitation(client, supplier_id="rainforest", portal_variant="uk"),
    )
    link, _ = await link_mailed_to(stack, client)
    counted = await attempts_everywhere(stack, BUYER)
    status, _ = await page("POST", link, data={"login": BUYER, "password": "nope"})
    assert status == 422
    assert await attempts_everywhere(stack, BUYER) == counted + 1

    # The right password still works: nothing was locked on the way.
    code, result = check(stack, "rainforest", "uk", BUYER, BUYER_PASSWORD)
    assert code == 0 and result["ok"]


async def test_the_right_variant_is_found_only_where_the_login_is_unknown(stack):
    # Unknown at de (the portal says so): tried at the others, found at uk.
    before = await stack.login_attempts(BUYER, "rainforest/uk")
    code, result = check(stack, "rainforest", "de", BUYER, BUYER_PASSWORD)
    assert code == 1
    assert "works on the United Kingdom (rainforest.co.uk) portal" in result["remedy"]
    assert await stack.login_attempts(BUYER, "rainforest/uk") == before + 1

    # Unknown at de, and the uk account refuses the password: uk is named, and no
    # third portal is tried with a password one account has refused.
    code, result = check(stack, "rainforest", "de", BUYER, "wrong-everywhere")
    assert code == 1 and "has an account on the United Kingdom" in result["remedy"]
    assert await stack.login_attempts(BUYER, "rainforest/uk") == before + 2
    assert await stack.login_attempts(BUYER, "rainforest/business") == 0
    code, result = check(stack, "rainforest", "uk", BUYER, BUYER_PASSWORD)
    assert code == 0  # not locked


def test_check_without_a_password_refuses_and_sends_nothing(stack):
    done = billhound(
        stack,
        "check",
        "--supplier",
        "northwind-energy",
        "--login",
        "nobody-at-all",
        password="",
    )
    assert done.returncode == 2
    assert json.loads(done.stdout)["field"] == "password"
    assert "BILLHOUND_CHECK_PASSWORD" in done.stderr and "Traceback" not in done.stderr


async def test_a_copied_authenticator_secret_works_and_a_bad_one_is_named(stack, web):
    code, result = check(
        stack,
        "hearth-gas",
        "default",
        "totp@hearth.example",
        "Flame-On-1",
        "--totp-secret",
        "jbsw y3dp-ehpk 3pxp jbsw y3dp",  # as people copy it from a setup page
    )
    assert code == 0 and result["ok"], result
    done = billhound(
        stack,
        "check",
        "--supplier",
        "hearth-gas",
        "--login",
        "totp@hearth.example",
        "--totp-secret",
        "not base32 at all!",
        password="Flame-On-1",
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert json.loads(done.stdout)["field"] == "totp_secret"

    body = body_for("brightline-telecom/personal", "ops@acme.example")
    spaced = " ".join(body["totp_secret"][i : i + 4] for i in range(0, 24, 4))
    status, made = await web.call(
        "alpha", "POST", "/v1/connections", json=body | {"totp_secret": spaced.lower()}
    )
    assert status in (201, 202), made
    status, err = await web.call(
        "alpha", "POST", "/v1/connections", json=body | {"totp_secret": "1!1!1"}
    )
    assert status == 422 and err["error"]["field"] == "totp_secret"
    assert err["error"]["code"] == "invalid_totp_secret"
