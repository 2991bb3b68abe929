"""In-memory connection and supplier stores: for unit tests of handlers, held to the
same contracts as MongoDB (documents, files, inbox: memory_records)."""

from datetime import date, datetime

from schemas.records import Connection, ConnectionStatus, SealedSecret

ACTIVE = (ConnectionStatus.PENDING, ConnectionStatus.CONNECTED)


class InMemoryConnectionStore:
    def __init__(self) -> None:
        self.rows: dict[str, Connection] = {}

    async def create(self, conn: Connection) -> bool:
        if conn.connection_id in self.rows:
            return False
        self.rows[conn.connection_id] = conn
        return True

    async def get(self, connection_id: str) -> Connection | None:
        return self.rows.get(connection_id)

    async def list_by_tenant(self, tenant_id: str) -> list[Connection]:
        return sorted(
            (
                c
                for c in self.rows.values()
                if c.tenant_id == tenant_id and c.status is not ConnectionStatus.DELETED
            ),
            key=lambda c: (c.created_at, c.connection_id),
        )

    async def change_status(
        self,
        connection_id: str,
        *,
        allowed: frozenset[ConnectionStatus],
        to: ConnectionStatus,
        now: datetime,
        due: bool = False,
        credentials: SealedSecret | None = None,
    ) -> Connection | None:
        conn = self.rows.get(connection_id)
        if conn is None or conn.status not in allowed:
            return None
        changes: dict = {
            "status": to,
            "run_id": None,
            "run_lease_until": None,
            "challenge": None,
        }
        if due:
            changes["next_check_at"] = now
        if credentials is not None:
            changes |= {
                "credentials": credentials,
                "portal_session": None,
                "last_error": None,
                "last_remedy": None,
                "disruption_id": None,
                "failed_attempts": 0,
            }
        self._set(conn, **changes)
        return conn

    async def record_rejection(
        self, connection_id: str, reason: str, at: datetime
    ) -> None:
        if (conn := self.rows.get(connection_id)) is not None:
            self._set(
                conn,
                rejected_documents=conn.rejected_documents + 1,
                last_rejection=reason,
            )

    async def request_fetch(self, connection_id: str, now: datetime) -> bool:
        conn = self.rows.get(connection_id)
        if conn is None or conn.status not in ACTIVE:
            return False
        self._set(conn, next_check_at=now)
        return True

    async def claim_one(
        self, connection_id: str, now: datetime, lease_until: datetime, run_id: str
    ) -> Connection | None:
        conn = self.rows.get(connection_id)
        if (
            conn is None
            or conn.status not in ACTIVE
            or conn.next_check_at is None
            or conn.next_check_at > now
            or (conn.run_id is not None and (conn.run_lease_until or now) >= now)
        ):
            return None
        return self._set(conn, run_id=run_id, run_lease_until=lease_until)

    async def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        run_ids: list[str],
        exclude_suppliers: frozenset[str] = frozenset(),
    ) -> list[Connection]:
        due = sorted(
            (
                c
                for c in self.rows.values()
                if c.status in ACTIVE
                and c.supplier_id not in exclude_suppliers
                and c.next_check_at is not None
                and c.next_check_at <= now
                and (c.run_id is None or (c.run_lease_until or now) < now)
            ),
            key=lambda c: c.next_check_at,
        )
        claimed = []
        for conn, run_id in zip(due, run_ids, strict=False):
            claimed.append(self._set(conn, run_id=run_id, run_lease_until=lease_until))
        return claimed

    async def running_by_supplier(self, now: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.rows.values():
            if c.run_id is not None and (c.run_lease_until or now) >= now:
                counts[c.supplier_id] = counts.get(c.supplier_id, 0) + 1
        return counts

    async def count_active(self, supplier_id: str) -> int:
        return sum(
            1
            for c in self.rows.values()
            if c.supplier_id == supplier_id and c.status in ACTIVE
        )

    async def release_run(self, connection_id: str, run_id: str) -> bool:
        conn = self._owned(connection_id, run_id)
        if conn is not None:
            self._set(conn, run_id=None, run_lease_until=None)
        return conn is not None

    async def await_challenge(
        self, connection_id, run_id, *, challenge, portal_session, lease_until
    ) -> bool:
        conn = self._owned(connection_id, run_id)
        if conn is not None:
            self._set(
                conn,
                challenge=challenge,
                portal_session=portal_session,
                run_lease_until=lease_until,
            )
        return conn is not None

    async def expired_challenges(self, now: datetime) -> list[Connection]:
        return [
            c
            for c in self.rows.values()
            if c.challenge is not None and c.challenge.expires_at < now
        ]

    async def take_challenge(
        self, connection_id: str, challenge_id: str, lease_until: datetime
    ) -> bool:
        conn = self.rows.get(connection_id)
        if conn is None or conn.challenge is None:
            return False
        if conn.challenge.challenge_id != challenge_id:
            return False
        self._set(conn, challenge=None, run_lease_until=lease_until)
        return True

    async def touch_run(self, connection_id: str, run_id: str, until: datetime) -> bool:
        conn = self._owned(connection_id, run_id)
        if conn is not None:
            self._set(conn, run_lease_until=until)
        return conn is not None

    async def finish_run(
        self,
        connection_id: str,
        run_id: str,
        *,
        now: datetime,
        bookmark: date | None,
        next_check_at: datetime,
        documents_found: int,
        portal_session: SealedSecret | None = None,
    ) -> Connection | None:
        conn = self._owned(connection_id, run_id)
        if conn is not None:
            self._set(
                conn,
                status=ConnectionStatus.CONNECTED,
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
        return conn

    async def disrupt(
        self,
        connection_id: str,
        run_id: str,
        *,
        now,
        error_code,
        disruption_id,
        remedy=None,
    ) -> Connection | None:
        conn = self._owned(connection_id, run_id)
        if conn is not None:
            self._set(
                conn,
                status=ConnectionStatus.DISRUPTED,
                run_id=None,
                run_lease_until=None,
                last_fetch_at=now,
                next_check_at=None,
                last_error=error_code,
                last_remedy=remedy,
                disruption_id=disruption_id,
                challenge=None,
                portal_session=None,
            )
        return conn

    async def retry_later(
        self, connection_id: str, run_id: str, *, at, error_code, failed_attempts
    ) -> bool:
        conn = self._owned(connection_id, run_id)
        if conn is not None:
            self._set(
                conn,
                run_id=None,
                run_lease_until=None,
                next_check_at=at,
                last_error=error_code,
                failed_attempts=failed_attempts,
                challenge=None,
            )
        return conn is not None

    def _owned(self, connection_id: str, run_id: str) -> Connection | None:
        conn = self.rows.get(connection_id)
        return conn if conn is not None and conn.run_id == run_id else None

    def _set(self, conn: Connection, **changes) -> Connection:
        updated = conn.model_copy(update=changes)
        self.rows[conn.connection_id] = updated
        return updated


class InMemorySupplierStore:
    def __init__(self) -> None:
        self.failures: dict[str, set[str]] = {}
        self.paused_ids: set[str] = set()

    async def record_layout_failure(self, supplier_id, connection_id, at) -> set[str]:
        self.failures.setdefault(supplier_id, set()).add(connection_id)
        return set(self.failures[supplier_id])

    async def clear_layout_failure(self, supplier_id: str, connection_id: str) -> None:
        self.failures.get(supplier_id, set()).discard(connection_id)

    async def pause(self, supplier_id: str, reason: str, at) -> bool:
        newly = supplier_id not in self.paused_ids
        self.paused_ids.add(supplier_id)
        return newly

    async def resume(self, supplier_id: str) -> bool:
        was = supplier_id in self.paused_ids
        self.paused_ids.discard(supplier_id)
        self.failures.pop(supplier_id, None)
        return was

    async def paused(self) -> set[str]:
        return set(self.paused_ids)
