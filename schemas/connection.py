"""The connection and its state machine: every change of a connection's status and
fetch run is a method here that checks the state it starts from and returns the new
one, or raises TransitionNotAllowed. Stores only load and save what these return."""

from datetime import date, datetime

from pydantic import Field

from schemas.records import (
    ConnectionStatus,
    ConnectorKind,
    FetchSchedule,
    Frozen,
    PendingChallenge,
    SealedSecret,
)

S = ConnectionStatus
ACTIVE = frozenset({S.PENDING, S.CONNECTED})  # fetched on a schedule
PAUSABLE = frozenset({S.PENDING, S.CONNECTED, S.DISRUPTED})


class TransitionNotAllowed(Exception):
    """The connection is not in a state this change can start from."""

    def __init__(self, conn: "Connection", change: str, why: str) -> None:
        super().__init__(f"{change} {conn.connection_id}: {why}")
        self.connection, self.change, self.why = conn, change, why


class Connection(Frozen):
    """A connected supplier portal and its fetch state, as the store holds it."""

    connection_id: str
    tenant_id: str
    supplier_id: str
    portal_variant: str
    connector_kind: ConnectorKind
    document_owner: str
    notify_email: str
    collect_from: date
    schedule: FetchSchedule
    credentials: SealedSecret
    status: ConnectionStatus = ConnectionStatus.PENDING
    created_at: datetime
    next_check_at: datetime | None = None
    run_id: str | None = Field(default=None, description="The fetch run in flight")
    run_lease_until: datetime | None = None
    bookmark: date | None = Field(default=None, description="Newest issue date seen")
    last_fetch_at: datetime | None = None
    last_error: str | None = None
    last_remedy: str | None = Field(
        default=None, description="What the person must do about last_error"
    )
    disruption_id: str | None = None
    failed_attempts: int = 0  # consecutive transient failures
    documents_found: int = 0
    rejected_documents: int = 0  # files that were not readable documents
    last_rejection: str | None = None
    portal_session: SealedSecret | None = Field(
        default=None, description="Sealed portal cookies/tokens kept between runs"
    )
    challenge: PendingChallenge | None = None
    announced_at: datetime | None = Field(
        default=None,
        description="When the scheduler published its creation and first fetch-due",
    )
    version: int = Field(default=0, description="Bumped by every save: the guard")

    # -- what the state is ------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def running(self, now: datetime) -> bool:
        """A run holds it: a run id whose lease has not run out."""
        return self.run_id is not None and (self.run_lease_until or now) >= now

    @property
    def claimable_at(self) -> datetime | None:
        """The earliest time claimable() can hold if nothing else changes (None:
        never as it stands). Stored, it is the one range the scheduler queries."""
        if not self.active or self.next_check_at is None:
            return None
        if self.run_id is None:
            return self.next_check_at
        if self.run_lease_until is None:  # held without a lease: until released
            return None
        return max(self.next_check_at, self.run_lease_until)

    def claimable(self, now: datetime) -> bool:
        """Active, due, and no run holds it."""
        due = self.next_check_at is not None and self.next_check_at <= now
        return self.active and due and not self.running(now)

    # -- its creation -------------------------------------------------------------

    def announce(self, now: datetime) -> "Connection":
        """Once per connection: the scheduler publishes its creation and first run
        (a record the API stored first is announced when its event arrives)."""
        if self.announced_at is not None:
            raise TransitionNotAllowed(self, "announce", "it was announced already")
        return self._with(announced_at=now)

    # -- a fetch run --------------------------------------------------------------

    def claim(self, run_id: str, now: datetime, lease_until: datetime):
        if not self.claimable(now):
            raise TransitionNotAllowed(self, "claim", "not due, not active or running")
        return self._with(run_id=run_id, run_lease_until=lease_until)

    def _own(self, run_id: str, change: str) -> None:
        if self.run_id != run_id:
            raise TransitionNotAllowed(self, change, f"run {run_id} does not hold it")

    def release(self, run_id: str) -> "Connection":
        """End the run without a verdict; the connection stays due."""
        self._own(run_id, "release")
        return self._with(run_id=None, run_lease_until=None)

    def keep_lease(self, run_id: str, until: datetime) -> "Connection":
        """Renew the run's lease; never shortens it (a run waiting for a code holds
        it until the code expires)."""
        self._own(run_id, "keep the lease of")
        return self._with(run_lease_until=max(self.run_lease_until or until, until))

    def await_code(
        self,
        run_id: str,
        challenge: PendingChallenge,
        portal_session: SealedSecret,
        lease_until: datetime,
    ) -> "Connection":
        """The run waits for a one-time code; its lease lasts until the code expires."""
        self._own(run_id, "wait for a code on")
        return self._with(
            challenge=challenge,
            portal_session=portal_session,
            run_lease_until=lease_until,
        )

    def await_person(
        self, run_id: str, challenge: PendingChallenge, lease_until: datetime
    ) -> "Connection":
        """The run holds the portal's page open for a person (a captcha, an approval
        in the supplier's app) until the challenge expires."""
        self._own(run_id, "wait for a person on")
        if challenge.live_view is None:
            raise TransitionNotAllowed(self, "wait for a person on", "no live view")
        return self._with(challenge=challenge, run_lease_until=lease_until)

    def open_view(self, view_id: str, viewer_hash: str) -> "Connection":
        """The web opens the live view: the worker lets in the holder of the ticket
        whose sha256 this is, and no one else."""
        view = self.challenge.live_view if self.challenge else None
        if view is None or view.view_id != view_id:
            raise TransitionNotAllowed(self, "open the live view of", "none is open")
        opened = view.model_copy(update={"viewer_hash": viewer_hash})
        return self._with(
            challenge=self.challenge.model_copy(update={"live_view": opened})
        )

    def person_done(self, run_id: str, challenge_id: str) -> "Connection":
        """The portal let the person through: the run goes on unattended."""
        self._own(run_id, "finish the person's step on")
        if self.challenge is None or self.challenge.challenge_id != challenge_id:
            raise TransitionNotAllowed(self, "finish", "no such step is awaited")
        return self._with(challenge=None)

    def take_code(self, challenge_id: str, lease_until: datetime) -> "Connection":
        """The code came: the challenge is spent (once) and the run goes on."""
        if self.challenge is None or self.challenge.challenge_id != challenge_id:
            raise TransitionNotAllowed(self, "answer", "no such code is awaited")
        return self._with(challenge=None, run_lease_until=lease_until)

    def finish(
        self,
        run_id: str,
        *,
        now: datetime,
        bookmark: date | None,
        next_check_at: datetime,
        documents_found: int,
        portal_session: SealedSecret | None = None,
    ) -> "Connection":
        """The run succeeded: connected, its bookmark and session kept."""
        self._own(run_id, "finish")
        return self._with(
            status=S.CONNECTED,
            portal_session=portal_session,
            challenge=None,
            run_id=None,
            run_lease_until=None,
            bookmark=bookmark,
            last_fetch_at=now,
            next_check_at=next_check_at,
            last_error=None,
            last_remedy=None,
            failed_attempts=0,
            documents_found=documents_found,
        )

    def disrupt(
        self,
        run_id: str,
        *,
        now: datetime,
        error_code: str,
        disruption_id: str,
        remedy: str | None = None,
    ) -> "Connection":
        """A user-class failure: waits for the person, not the clock."""
        self._own(run_id, "disrupt")
        return self._with(
            status=S.DISRUPTED,
            run_id=None,
            run_lease_until=None,
            last_fetch_at=now,
            next_check_at=None,
            last_error=error_code,
            last_remedy=remedy,
            disruption_id=disruption_id,
            challenge=None,
            portal_session=None,  # a new login starts from scratch
        )

    def retry_later(
        self, run_id: str, *, at: datetime, error_code: str, failed_attempts: int
    ) -> "Connection":
        self._own(run_id, "retry")
        return self._with(
            run_id=None,
            run_lease_until=None,
            next_check_at=at,
            last_error=error_code,
            failed_attempts=failed_attempts,
            challenge=None,
        )

    def record_rejection(self, reason: str) -> "Connection":
        """A fetched file was not a document: count it, keep the last reason."""
        return self._with(
            rejected_documents=self.rejected_documents + 1, last_rejection=reason
        )

    # -- a person's changes: each ends any run in flight --------------------------

    def fetch_now(self, now: datetime) -> "Connection":
        if not self.active:
            raise TransitionNotAllowed(self, "fetch", f"it is {self.status.value}")
        return self._with(next_check_at=now)

    def pause(self, now: datetime) -> "Connection":
        if self.status not in PAUSABLE:
            raise TransitionNotAllowed(self, "pause", f"it is {self.status.value}")
        return self._stopped(S.PAUSED)

    def resume(self, now: datetime) -> "Connection":
        """Back to where it was: still disrupted if it was, else connected once it
        has ever fetched, else pending; due at once."""
        if self.status is not S.PAUSED:
            raise TransitionNotAllowed(self, "resume", "it is not paused")
        if self.disruption_id is not None and self.last_error is not None:
            to = S.DISRUPTED
        else:
            to = S.CONNECTED if self.last_fetch_at is not None else S.PENDING
        return self._stopped(to, next_check_at=now)

    def reconnect(self, now: datetime, credentials: SealedSecret) -> "Connection":
        """A new login, in any state but deleted: pending until a fetch proves it,
        the disruption and the kept session forgotten, due at once."""
        if self.status is S.DELETED:
            raise TransitionNotAllowed(self, "reconnect", "it was deleted")
        return self._stopped(
            S.PENDING,
            next_check_at=now,
            credentials=credentials,
            portal_session=None,
            last_error=None,
            last_remedy=None,
            disruption_id=None,
            failed_attempts=0,
        )

    def delete(self, now: datetime) -> "Connection":
        if self.status is S.DELETED:
            raise TransitionNotAllowed(self, "delete", "it was deleted already")
        return self._stopped(S.DELETED)

    def _stopped(self, to: ConnectionStatus, **more) -> "Connection":
        # A run in flight ends here: its finish no longer matches a run id.
        return self._with(
            status=to, run_id=None, run_lease_until=None, challenge=None, **more
        )

    def _with(self, **changes) -> "Connection":
        return self.model_copy(update=changes)
