"""The `billhound` command as a person uses it: run the local stack, then Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import time
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
        assert len(children) == 3, "broker, database and worker should be running"
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "Stopped every process" in rest
    for pid in children:
        assert not Path(f"/proc/{pid}").exists(), f"child {pid} outlived the stack"
