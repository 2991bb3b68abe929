"""Run `billhound worker` and `billhound api` as child processes, each started when
its log says it is ready."""

import sys
import time
from pathlib import Path

from infra.local.process import ManagedProcess

READY_MARK = b"Worker]: Ready"  # Faust's line, from our BoundedWorker
API_READY_MARK = b"Billhound API ready on"


def worker_env(settings: dict[str, str]) -> dict[str, str]:
    """Settings field -> value, as the BILLHOUND_* environment the child reads."""
    return {f"BILLHOUND_{k.upper()}": v for k, v in settings.items()}


def start_child(
    command: str,
    settings: dict[str, str],
    log_path: Path,
    ready: bytes,
    timeout: float = 90.0,
) -> ManagedProcess:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")
    proc = ManagedProcess(
        command,
        [sys.executable, "-m", "infra.cli", command],
        log_path,
        env={**worker_env(settings), "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready in log_path.read_bytes():
            return proc
        if not proc.alive():
            tail = log_path.read_bytes()[-3000:].decode(errors="replace")
            raise RuntimeError(f"{command} exited early:\n{tail}")
        time.sleep(0.2)
    proc.stop()
    raise TimeoutError(f"{command} not ready in {timeout}s; see {log_path}")


def start_worker(
    settings: dict[str, str], log_path: Path, timeout: float = 90.0
) -> ManagedProcess:
    return start_child("worker", settings, log_path, READY_MARK, timeout)


def start_api(
    settings: dict[str, str], log_path: Path, timeout: float = 60.0
) -> ManagedProcess:
    return start_child("api", settings, log_path, API_READY_MARK, timeout)
