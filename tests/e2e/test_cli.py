"""The `billhound` command as a person uses it: run the local stack, then Ctrl-C."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).with_name("billhound")


def test_public_key_is_made_once_and_printed(tmp_path):
    run = [str(BIN), "public-key", "--keys-dir", str(tmp_path)]
    first = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    again = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    assert first == again and "public_key: " in first
    assert len(list(tmp_path.glob("*.key"))) == 1


def test_run_shows_demo_documents_reaching_the_inbox_and_stops_cleanly(tmp_path):
    home = tmp_path / "home"
    proc = subprocess.Popen(
        [str(BIN), "run", "--home", str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Running."):
                break
        output = "".join(lines)
        assert "All demo documents reached the inbox" in output, output
        assert "12/12 documents in the inbox" in output
        info = json.loads((home / "stack.json").read_text())
        assert {"kafka_bootstrap", "mongodb_uri", "smtp", "portals"} <= info.keys()
        assert "northwind-energy/default" in info["portals"]
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 4, "broker, database, worker and API should run"
        # The page it prints answers, and the key it prints signs in to the API.
        page = re.search(r"Connected suppliers page: (\S+)", output).group(1)
        key = re.search(r"API key of .*: (bh_\S+)", output).group(1)
        with urllib.request.urlopen(page) as resp:  # noqa: S310 - 127.0.0.1
            assert resp.status == 200 and b"API key" in resp.read()
        req = urllib.request.Request(  # noqa: S310 - 127.0.0.1
            page + "v1/connections", headers={"Authorization": f"Bearer {key}"}
        )
        with urllib.request.urlopen(req) as resp:  # noqa: S310 - 127.0.0.1
            listed = json.loads(resp.read())["connections"]
        assert len(listed) >= 15 and all(c["state"] == "connected" for c in listed)
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "Stopped every process" in rest
    for pid in children:
        assert not Path(f"/proc/{pid}").exists(), f"child {pid} outlived the stack"


def billhound(stack, *args: str, password: str | None = None):
    env = {**os.environ, "BILLHOUND_PORTAL_URLS": json.dumps(stack.portals.urls)}
    if password is not None:
        env["BILLHOUND_CHECK_PASSWORD"] = password
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_suppliers_search_finds_by_name_alias_and_host(stack):
    for text, wanted in [
        ("rainforest", "rainforest"),
        ("nw energy", "northwind-energy"),
        ("BRIGHT", "brightline-telecom"),
        ("cobaltwater", "cobalt-water"),
    ]:
        done = billhound(stack, "suppliers", "search", text)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)[0]["id"] == wanted, text
    found = json.loads(billhound(stack, "suppliers", "search", "rainforest").stdout)
    assert set(found[0]["variants"]) == {"uk", "de", "business"}
    assert found[0]["login_kind"] == "email"
    assert billhound(stack, "suppliers", "search", "no such thing").returncode == 1


def check(stack, supplier, variant, login, password, *extra):
    done = billhound(
        stack,
        "check",
        "--supplier",
        supplier,
        "--variant",
        variant,
        "--login",
        login,
        *extra,
        password=password,
    )
    return done.returncode, json.loads(done.stdout)


def test_check_reads_the_first_documents_of_a_good_login(stack):
    code, result = check(stack, "ledgerly", "default", "acme-sales", "Sell-Sell-1")
    assert code == 0 and result["ok"] and result["documents_seen"] == 5
    assert "code" not in result


def test_check_names_the_likely_mistake(stack):
    cases = [
        # the login belongs to the other region's portal
        (
            "rainforest",
            "de",
            "buyer@acme.example",
            "Rainforest-UK-1",
            "works on the United Kingdom (rainforest.co.uk) portal",
        ),
        ("cobalt-water", "default", "jsmith", "Water4All!", "case sensitive"),
        (
            "rainforest",
            "uk",
            "buyer",
            "Rainforest-UK-1",
            "email address, not a username",
        ),
        (
            "northwind-energy",
            "default",
            "acme@acme.example",
            "correct horse battery",
            "username, not an email address",
        ),
        (
            "northwind-energy",
            "default",
            "acme-ltd",
            "correct horse battery ",
            "space before or after it",
        ),
    ]
    for supplier, variant, login, password, words in cases:
        code, result = check(stack, supplier, variant, login, password)
        assert code == 1 and result["code"] == "invalid_credentials", login
        assert words in result["remedy"], (login, result["remedy"])
        assert password.strip() not in json.dumps(result)


def test_check_reports_two_factor_and_other_refusals(stack):
    code, result = check(
        stack, "hearth-gas", "default", "sms@hearth.example", "Flame-On-2"
    )
    assert code == 0 and result["challenge"] == {
        "medium": "sms",
        "destination_hint": "phone ending 42",
    }
    code, result = check(stack, "hearth-gas", "default", "sso@hearth.example", "x")
    assert code == 1 and result["code"] == "sso_account"
    secret = "JBSWY3DPEHPK3PXPJBSWY3DP"
    code, result = check(
        stack,
        "hearth-gas",
        "default",
        "totp@hearth.example",
        "Flame-On-1",
        "--totp-secret",
        secret,
    )
    assert code == 0 and result["documents_seen"] == 5
    code, result = check(stack, "rainforest", "nowhere", "buyer@acme.example", "x")
    assert code == 2 and "no portal variant 'nowhere'" in result["error"]
