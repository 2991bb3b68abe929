"""A tenant's key can be replaced: the old one stops working at once, and the tenant
keeps its data and settings."""

from infra.settings import Settings
from infra.web import create_tenant


async def test_a_new_key_replaces_the_old_and_keeps_the_settings(web, stack):
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    await web.add_tenant("delta", "Delta Books", settings)
    status, _ = await web.call(
        "delta", "PUT", "/v1/settings", json={"dedupe_mode": "review"}
    )
    assert status == 200
    old = web.keys["delta"]
    tenant, new = await create_tenant(settings, "Delta Books Ltd", "delta")
    web.keys["delta"] = new
    status, answer = await web.call(
        None, "GET", "/v1/settings", headers={"Authorization": f"Bearer {old}"}
    )
    assert status == 401 and answer["error"]["code"] == "invalid_api_key"
    status, mine = await web.call("delta", "GET", "/v1/settings")
    assert status == 200
    assert mine == {
        "tenant_id": "delta",
        "name": "Delta Books Ltd",
        "dedupe_mode": "review",
        "locale": "en_GB",
    }


async def test_the_cli_creates_a_tenant_whose_key_signs_in(web, stack):
    import os
    import re
    import subprocess
    import sys

    env = dict(
        os.environ,
        BILLHOUND_MONGODB_URI=stack.mongodb_uri,
        BILLHOUND_MONGODB_DATABASE=stack.db_name,
    )
    done = subprocess.run(  # noqa: ASYNC221 - a person at a terminal, once
        [sys.executable, "-m", "infra.cli", "tenants", "create", "Epsilon & Co"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    tenant_id = re.search(r"tenant_id: (\S+)", done.stdout).group(1)
    key = re.search(r"api_key: (bh_\S+)", done.stdout).group(1)
    assert "only its hash" in done.stdout
    status, mine = await web.call(
        None, "GET", "/v1/settings", headers={"Authorization": f"Bearer {key}"}
    )
    assert status == 200 and mine["tenant_id"] == tenant_id
    assert mine["name"] == "Epsilon & Co" and mine["dedupe_mode"] == "automatic"


async def test_the_locale_is_set_by_name_and_an_unknown_one_is_refused(web, stack):
    settings = Settings(mongodb_uri=stack.mongodb_uri, mongodb_database=stack.db_name)
    await web.add_tenant("mu", "Mu Comptabilité", settings)
    status, mine = await web.call("mu", "PUT", "/v1/settings", json={"locale": "fr-FR"})
    assert status == 200 and mine["locale"] == "fr_FR"
    status, err = await web.call("mu", "PUT", "/v1/settings", json={"locale": "xx_YY"})
    assert status == 400 and err["error"]["field"] == "locale"
    _, mine = await web.call("mu", "GET", "/v1/settings")
    assert mine["locale"] == "fr_FR" and mine["dedupe_mode"] == "automatic"
