"""A broken connection told to a person once, reminded a limited number of times,
fixed through the API; a portal's code asked for by email and answered through it."""

from tests.e2e.api_helpers import body_for, connection_state
from tests.e2e.test_pipeline import wait_for

PARCEL = "parcelpoint/default"


def subjects(stack, address: str) -> list[str]:
    return [m["Subject"] for m in stack.mail.to(address)]


async def test_disruption_mail_reminders_then_reconnect(web, stack, db):
    notify = "reminded@example.com"
    body = body_for(PARCEL, "depot-7", notify_email=notify)
    status, conn = await web.call("alpha", "POST", "/v1/connections", json=body)
    cid, path = conn["connection_id"], f"/v1/connections/{conn['connection_id']}"
    await connection_state(web, "alpha", cid, lambda c: c["state"] == "connected")
    await stack.portal_call(
        PARCEL, "POST", "/_demo/accounts/depot-7/password", {"password": "Changed-7"}
    )
    try:
        status, _ = await web.call("alpha", "POST", path + "/fetch")
        assert status == 202
        broken = await connection_state(
            web, "alpha", cid, lambda c: c["state"] == "disrupted"
        )
        assert broken["warning"]["code"] == "invalid_credentials"
        # It worked before: the likely cause is a password changed at the portal.
        assert "changed at the portal" in broken["warning"]["remedy"]
        assert "variant" not in broken["warning"]["remedy"]

        # One mail, then reminders 10 s apart (the test setting), at most 2.
        async def reminded_twice():
            got = subjects(stack, notify)
            return got if sum(s.startswith("Reminder") for s in got) >= 2 else None

        got = await wait_for(reminded_twice, timeout=40)
        assert sum(s.startswith("Action needed") for s in got) == 1

        # No third: the reminders are stopped at the limit (no clock can restart
        # them), and two were sent.
        async def stopped():
            return await db["notifications"].find_one(
                {"connection_id": cid, "reminders_sent": 2, "remind_at": None}
            )

        assert await wait_for(stopped, timeout=15)
        assert sum(s.startswith("Reminder") for s in subjects(stack, notify)) == 2

        # A wrong new login is refused at once; the connection stays disrupted.
        wrong = {"login": "depot-7", "password": "Box-It-7"}
        status, answer = await web.call(
            "alpha", "PUT", path + "/credentials", json=wrong
        )
        assert status == 422 and answer["error"]["code"] == "invalid_credentials"
        # Which connection it was about, for a person with many of them.
        assert answer["error"]["message"].startswith("ParcelPoint for Depot Seven: ")
        _, still = await web.call("alpha", "GET", path)
        assert still["state"] == "disrupted"

        right = {"login": "depot-7", "password": "Changed-7"}
        status, fixed = await web.call(
            "alpha", "PUT", path + "/credentials", json=right
        )
        assert status == 200 and fixed["warning"] is None
        assert fixed["state"] == "fetching"
        after = await connection_state(
            web,
            "alpha",
            cid,
            lambda c: (
                c["state"] == "connected"
                and c["last_fetch_at"] > broken["last_fetch_at"]
            ),
        )
        assert after["warning"] is None
    finally:
        await stack.portal_call(
            PARCEL, "POST", "/_demo/accounts/depot-7/password", {"password": "Box-It-7"}
        )


async def test_a_sent_code_is_mailed_and_answered_through_the_api(web, stack):
    key, login = "hearth-gas/default", "sms@hearth.example"
    notify = "codes@example.com"
    body = body_for(key, login, notify_email=notify)
    status, conn = await web.call("alpha", "POST", "/v1/connections", json=body)
    assert status == 201, conn
    cid, path = conn["connection_id"], f"/v1/connections/{conn['connection_id']}"
    waiting = await connection_state(
        web, "alpha", cid, lambda c: c["state"] == "waiting_for_code"
    )
    assert waiting["challenge"]["medium"] == "sms"

    async def asked():
        return [s for s in subjects(stack, notify) if "sent a code" in s]

    assert await wait_for(asked)
    code = (await stack.portal_call(key, "GET", f"/_demo/codes/{login}"))["code"]
    wrong_id = {"challenge_id": "other", "code": code}
    status, answer = await web.call("alpha", "POST", path + "/challenge", json=wrong_id)
    assert status == 409 and answer["error"]["code"] == "no_such_challenge"
    answer_body = {"challenge_id": waiting["challenge"]["challenge_id"], "code": code}
    status, _ = await web.call("alpha", "POST", path + "/challenge", json=answer_body)
    assert status == 202
    # The code is spent once the resumed run finishes, with its documents posted.
    done = await connection_state(
        web,
        "alpha",
        cid,
        lambda c: c["documents_collected"] > 0 and c["state"] == "connected",
    )
    assert done["challenge"] is None
