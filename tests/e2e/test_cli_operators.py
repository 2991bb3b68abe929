"""The operator's commands as a person runs them: they find the local stack from
.billhound/stack.json, answer within seconds when the database is not there, name an
unknown supplier, and say what to set instead of printing a traceback."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from infra.local.process import free_port

BIN = Path(sys.executable).with_name("billhound")
NOTHING_THERE = f"mongodb://127.0.0.1:{free_port()}/?directConnection=true"


def run(args, cwd, **env) -> tuple[subprocess.CompletedProcess, float]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BILLHOUND_")}
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN), *args],
        cwd=cwd,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, time.monotonic() - started


def stack_json(folder: Path, stack) -> None:
    (folder / ".billhound").mkdir()
    info = {"mongodb_uri": stack.mongodb_uri, "kafka_bootstrap": stack.kafka}
    (folder / ".billhound" / "stack.json").write_text(json.dumps(info))


def test_tenants_and_resume_find_the_local_stack(stack, tmp_path):
    stack_json(tmp_path, stack)
    done, _ = run(
        ["tenants", "create", "Theta Books", "--locale", "de-DE"],
        tmp_path,
        BILLHOUND_MONGODB_DATABASE=stack.db_name,
    )
    assert done.returncode == 0, done.stderr
    assert "api_key: bh_" in done.stdout
    done, _ = run(
        ["suppliers", "resume", "northwind-energy"],
        tmp_path,
        BILLHOUND_MONGODB_DATABASE=stack.db_name,
    )
    assert done.returncode == 1 and "was not paused" in done.stderr
    assert json.loads(done.stdout) == {
        "supplier_id": "northwind-energy",
        "resumed": False,
    }


def test_an_unknown_supplier_is_named(tmp_path):
    done, _ = run(["suppliers", "resume", "no-such-supplier"], tmp_path)
    assert done.returncode == 2
    assert "no supplier 'no-such-supplier'" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_database_is_said_within_seconds(tmp_path):
    for args in (["tenants", "create", "Iota"], ["suppliers", "resume", "ledgerly"]):
        done, took = run(args, tmp_path, BILLHOUND_MONGODB_URI=NOTHING_THERE)
        assert done.returncode == 2, done.stderr
        assert (
            "cannot reach MongoDB" in done.stderr
            and "BILLHOUND_MONGODB_URI" in done.stderr
        )
        assert "Traceback" not in done.stderr
        assert took < 20, f"{args} took {took:.1f}s"


def test_worker_and_api_without_settings_say_what_to_set(tmp_path):
    for command in ("worker", "api"):
        # No keys: said at once (nothing to wait for), before any broker is sought.
        done, took = run([command], tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert "BILLHOUND_VAULT_KEYS_DIR" in done.stderr and took < 30
        # Keys but no broker: waited for, then what to set.
        done, _ = run(["public-key", "--keys-dir", str(tmp_path / "keys")], tmp_path)
        done, _ = run(
            [command],
            tmp_path,
            BILLHOUND_KAFKA_BOOTSTRAP=f"127.0.0.1:{free_port()}",
            BILLHOUND_VAULT_KEYS_DIR=str(tmp_path / "keys"),
            BILLHOUND_STARTUP_WAIT_SECONDS="1",
        )
        assert done.returncode == 2, (command, done.stderr)
        assert "waiting for the Kafka broker" in done.stderr
        assert "BILLHOUND_KAFKA_BOOTSTRAP" in done.stderr
        assert "Traceback" not in done.stderr
