"""Run `billhound worker` as a child process and wait until its agents are ready."""

import sys
import time
from pathlib import Path

from infra.local.process import ManagedProcess

READY_MARK = b"[^Worker]: Ready"


def worker_env(settings: dict[str, str]) -> dict[str, str]:
    """Settings field -> value, as the BILLHOUND_* environment the worker reads."""
    return {f"BILLHOUND_{k.upper()}": v for k, v in settings.items()}


def start_worker(
    settings: dict[str, str], log_path: Path, timeout: float = 90.0
) -> ManagedProcess:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")
    proc = ManagedProcess(
        "worker",
        [sys.executable, "-m", "infra.cli", "worker"],
        log_path,
        env={**worker_env(settings), "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if READY_MARK in log_path.read_bytes():
            return proc
        if not proc.alive():
            tail = log_path.read_bytes()[-3000:].decode(errors="replace")
            raise RuntimeError(f"worker exited early:\n{tail}")
        time.sleep(0.2)
    proc.stop()
    raise TimeoutError(f"worker not ready in {timeout}s; see {log_path}")
