"""How a demo portal decides a login: passwords, case rules, lockout, SSO-only accounts,
terms to accept, 2-factor by authenticator or by a code it 'sends' (kept for tests)."""

import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

import pyotp
from aiohttp import web

from infra.demo_portal.data import Account, PortalSpec


class Outcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    UNKNOWN = "unknown"  # no such account: only portals that say so apart
    SSO = "sso"
    LOCKED = "locked"
    ACTION = "action"
    TOTP = "totp"  # asks for an authenticator code
    SENT = "sent"  # sent a code by SMS
    EXPIRED = "expired"


@dataclass
class Behaviour:
    """Switched on at runtime through POST /_demo/behaviour."""

    maintenance: bool = False
    rate_limited: bool = False
    retry_after: int = 120
    slow_seconds: float = 0.0
    layout_changed: bool = False
    broken_downloads: bool = False  # documents answer 404: a portal-side fault
    broken_from_page: int = 0  # list pages from this number on answer 500 (0: none)
    broken_document: str = ""  # this document's download answers 404


@dataclass
class PortalState:
    spec: PortalSpec
    passwords: dict[str, str] = field(default_factory=dict)
    failures: Counter = field(default_factory=Counter)  # consecutive, for lockout
    attempts: Counter = field(default_factory=Counter)  # every login attempt
    codes_sent: Counter = field(default_factory=Counter)
    sessions: dict[str, str] = field(default_factory=dict)  # token -> username
    pending: dict[str, tuple[str, float]] = field(default_factory=dict)  # 2FA tickets
    codes: dict[str, tuple[str, float]] = field(default_factory=dict)  # sms outbox
    captchas: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # ticket -> who, answer
    captchas_shown: Counter = field(default_factory=Counter)
    approvals: dict[str, tuple[str, bool]] = field(
        default_factory=dict
    )  # ticket -> who, approved
    trusted: dict[str, str] = field(default_factory=dict)  # device token -> username
    requests: Counter = field(default_factory=Counter)
    request_times: list = field(default_factory=list)  # monotonic, for rate checks
    in_flight: int = 0  # requests being answered now
    peak_in_flight: int = 0
    window: tuple = (None, None)  # wall time of the first request and the last answer
    behaviour: Behaviour = field(default_factory=Behaviour)
    code_ttl: float = 300.0

    def __post_init__(self) -> None:
        self.passwords = {a.username: a.password for a in self.spec.accounts}

    def reset(self) -> None:
        fresh = PortalState(self.spec)
        self.__dict__.update(fresh.__dict__)

    def authenticate(
        self, login: str, password: str, device: str | None
    ) -> tuple[Outcome, Account | None]:
        account = self.spec.account(login)
        self.attempts[login] += 1
        if account is None:
            unknown = self.spec.says_unknown_login
            return (Outcome.UNKNOWN if unknown else Outcome.WRONG), None
        name = account.username
        if account.sso_only:
            return Outcome.SSO, account
        if account.locked or self.failures[name] >= self.spec.lockout_after:
            return Outcome.LOCKED, account
        if self.passwords[name] != password:
            self.failures[name] += 1
            return Outcome.WRONG, account
        self.failures[name] = 0
        if account.action_needed:
            return Outcome.ACTION, account
        if account.two_factor is None or self.trusted.get(device or "") == name:
            return Outcome.OK, account
        if account.two_factor == "sms":
            self.codes[name] = (f"{secrets.randbelow(10**6):06d}", time.time())
            self.codes_sent[name] += 1
            return Outcome.SENT, account
        return Outcome.TOTP, account

    def start_pending(self, account: Account) -> str:
        ticket = secrets.token_urlsafe(16)
        self.pending[ticket] = (account.username, time.time())
        return ticket

    def verify(self, ticket: str, code: str) -> tuple[Outcome, Account | None]:
        username, started = self.pending.get(ticket, ("", 0.0))
        account = self.spec.account(username) if username else None
        if account is None or time.time() - started > self.code_ttl:
            self.pending.pop(ticket, None)
            return Outcome.EXPIRED, None
        if account.two_factor == "totp":
            ok = pyotp.TOTP(account.totp_secret or "").verify(code, valid_window=1)
        else:
            sent, _ = self.codes.get(account.username, ("", 0.0))
            ok = bool(sent) and secrets.compare_digest(sent, code)
        if not ok:
            return Outcome.WRONG, account
        self.pending.pop(ticket, None)
        self.codes.pop(account.username, None)
        return Outcome.OK, account

    def start_captcha(self, account: Account) -> str:
        """A captcha for a new device: its ticket; the answer is kept for tests."""
        ticket = secrets.token_urlsafe(16)
        answer = "".join(secrets.choice("ACDEFHJKMNPRTWXY34679") for _ in range(5))
        self.captchas[ticket] = (account.username, answer)
        self.captchas_shown[account.username] += 1
        return ticket

    def solve_captcha(self, ticket: str, answer: str) -> Account | None:
        username, wanted = self.captchas.get(ticket, ("", ""))
        if not username or answer.strip().upper() != wanted:
            return None
        del self.captchas[ticket]
        return self.spec.account(username)

    def start_approval(self, account: Account) -> str:
        """A sign-in waiting for the account holder to approve it in the app."""
        ticket = secrets.token_urlsafe(16)
        self.approvals[ticket] = (account.username, False)
        return ticket

    def approve(self, username: str) -> bool:
        """The holder taps 'Approve' in the app: every sign-in of theirs waiting."""
        waiting = [t for t, (who, _) in self.approvals.items() if who == username]
        for ticket in waiting:
            self.approvals[ticket] = (username, True)
        return bool(waiting)

    def approved(self, ticket: str) -> Account | None:
        username, yes = self.approvals.get(ticket, ("", False))
        if not yes:
            return None
        del self.approvals[ticket]
        return self.spec.account(username)

    def captcha_answer(self, username: str) -> str | None:
        """What the last captcha shown to this account says (a person would read it)."""
        found = [a for who, a in self.captchas.values() if who == username]
        return found[-1] if found else None

    def open_session(self, account: Account) -> tuple[str, str]:
        """A session token, and a device token so this device is not asked again."""
        token, device = secrets.token_urlsafe(24), secrets.token_urlsafe(16)
        self.sessions[token] = account.username
        self.trusted[device] = account.username
        return token, device

    def session_account(self, token: str) -> Account:
        """The account a session token is signed in as; 401 (JSON) for none."""
        username = self.sessions.get(token)
        account = self.spec.account(username) if username else None
        if account is None:
            raise web.HTTPUnauthorized(
                text='{"error": {"code": "unauthorized"}}',
                content_type="application/json",
            )
        return account

    def sign_out(self, username: str) -> None:
        """End the user's sessions (a trusted device stays trusted)."""
        self.sessions = {t: u for t, u in self.sessions.items() if u != username}

    def stats(self) -> dict:
        return {
            "login_attempts": dict(self.attempts),
            "codes_sent": dict(self.codes_sent),
            "captchas_shown": dict(self.captchas_shown),
            "requests": dict(self.requests),
            "busiest_second": busiest_second(self.request_times),
            "sessions": len(self.sessions),
            "peak_in_flight": self.peak_in_flight,
            "first_request_at": self.window[0],
            "last_answer_at": self.window[1],
        }


def busiest_second(times: list[float]) -> int:
    """The most requests seen within any one second."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best
