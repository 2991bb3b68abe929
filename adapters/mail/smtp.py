"""The Mailer port's SMTP implementation (aiosmtplib)."""

from email.message import EmailMessage

import aiosmtplib

from adapters.mail.ports import Mail, Mailer

__all__ = ["Mail", "Mailer", "SmtpMailer"]


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        start_tls: bool | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password = username, password
        self._start_tls, self._timeout = start_tls, timeout

    async def send(self, mail: Mail) -> None:
        msg = EmailMessage()
        msg["From"] = self._sender
        msg["To"] = mail.to
        msg["Subject"] = mail.subject
        msg.set_content(mail.text)
        if mail.html is not None:
            msg.add_alternative(mail.html, subtype="html")
        await aiosmtplib.send(
            msg,
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            start_tls=self._start_tls,
            timeout=self._timeout,
        )
