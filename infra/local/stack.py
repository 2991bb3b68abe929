"""The whole local stack: broker, database, mail, demo portals, a worker process and
the API with the connected suppliers page."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from adapters.vault.sealing import KeyRing
from infra.demo_portal.server import RunningPortal, start_all, stop_all
from infra.local.mail import MailCatcher
from infra.local.process import ManagedProcess, free_port, port_is_free
from infra.local.services import start_broker, start_mongo
from infra.local.worker import start_api, start_worker


def ensure_keys(keys_dir: Path) -> KeyRing:
    """The fetchers' key pair, made on first run."""
    if not any(keys_dir.glob("*.key")):
        KeyRing.create(keys_dir)
    return KeyRing.load(keys_dir)


@dataclass
class LocalStack:
    home: Path
    processes: list[ManagedProcess] = field(default_factory=list)
    portals: list[RunningPortal] = field(default_factory=list)
    mail: MailCatcher | None = None
    info: dict = field(default_factory=dict)

    async def start(self, scheduler_tick: float = 5.0, api_port: int = 8080) -> dict:
        logs = self.home / "logs"
        keys = ensure_keys(self.home / "keys")
        broker, bootstrap = start_broker(logs / "broker.log")
        self.processes.append(broker)
        mongo, mongodb_uri = start_mongo(self.home / "mongo", logs / "mongodb.log")
        self.processes.append(mongo)
        self.mail = MailCatcher(self.home / "mail").start()
        self.portals = await start_all()
        portal_urls = {p.key: p.url for p in self.portals}
        self.info = {
            "kafka_bootstrap": bootstrap,
            "mongodb_uri": mongodb_uri,
            "smtp": f"127.0.0.1:{self.mail.port}",
            "maildir": str(self.home / "mail"),
            "portals": portal_urls,
            "public_key": keys.public_key_b64(),
            "key_id": keys.current_key_id,
            "logs": str(logs),
        }
        port = api_port if api_port and port_is_free(api_port) else free_port()
        self.info["page"] = f"http://127.0.0.1:{port}/"
        (self.home / "stack.json").write_text(json.dumps(self.info, indent=2) + "\n")
        settings = {
            "kafka_bootstrap": bootstrap,
            "mongodb_uri": mongodb_uri,
            "smtp_host": "127.0.0.1",
            "smtp_port": str(self.mail.port),
            "vault_keys_dir": str(self.home / "keys"),
            "portal_urls": json.dumps(portal_urls),
            "scheduler_tick_seconds": str(scheduler_tick),
            "public_url": f"http://127.0.0.1:{port}",
            "health_port": str(free_port()),
        }
        self.processes.append(start_worker(settings, logs / "worker.log"))
        api_settings = settings | {"api_port": str(port)}
        self.processes.append(start_api(api_settings, logs / "api.log"))
        return self.info

    async def stop(self) -> None:
        for proc in reversed(self.processes):  # worker first, then its services
            proc.stop()
        self.processes.clear()
        await stop_all(self.portals)
        if self.mail is not None:
            self.mail.stop()
