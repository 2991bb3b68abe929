"""A real SMTP server (aiosmtpd) keeping every message in memory and as .eml files."""

import email
import email.policy
import threading
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from infra.local.process import free_port


class _Keep:
    def __init__(self, catcher: "MailCatcher") -> None:
        self._catcher = catcher

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self._catcher.keep(envelope.content)
        return "250 Message accepted for delivery"


class MailCatcher:
    def __init__(self, maildir: Path | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        self.maildir = maildir
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)

    def keep(self, content: bytes) -> None:
        msg = email.message_from_bytes(content, policy=email.policy.default)
        with self._lock:
            self.messages.append(msg)
            count = len(self.messages)
        if self.maildir is not None:
            self.maildir.mkdir(parents=True, exist_ok=True)
            (self.maildir / f"{count:04d}.eml").write_bytes(content)

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]

    def start(self) -> "MailCatcher":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
