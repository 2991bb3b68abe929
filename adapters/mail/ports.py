"""The mail ports: a mail, who sends it, and who writes it from a template."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None  # sent as the alternative part; text stays first


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class Composer(Protocol):
    def __call__(self, name: str, to: str, **values) -> Mail:
        """The mail of template `name` for `to`, its subject, text and HTML."""
