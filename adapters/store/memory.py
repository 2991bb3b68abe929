"""In-memory connection and supplier stores: for unit tests of handlers, held to the
same contracts as MongoDB (documents, files, inbox: memory_records)."""

from datetime import datetime

from schemas.connection import Connection
from schemas.records import ConnectionStatus


class InMemoryConnectionStore:
    """Loads and saves; the rules are the Connection's own (claimable, active)."""

    def __init__(self) -> None:
        self.rows: dict[str, Connection] = {}

    async def create(self, conn: Connection) -> bool:
        if conn.connection_id in self.rows:
            return False
        self.rows[conn.connection_id] = conn
        return True

    async def get(self, connection_id: str) -> Connection | None:
        return self.rows.get(connection_id)

    async def get_many(self, connection_ids: set[str]) -> dict[str, Connection]:
        return {i: self.rows[i] for i in connection_ids if i in self.rows}

    async def save(self, conn: Connection) -> bool:
        stored = self.rows.get(conn.connection_id)
        if stored is None or stored.version != conn.version:
            return False
        self.rows[conn.connection_id] = conn.model_copy(
            update={"version": conn.version + 1}
        )
        return True

    async def list_by_tenant(self, tenant_id: str) -> list[Connection]:
        return sorted(
            (
                c
                for c in self.rows.values()
                if c.tenant_id == tenant_id and c.status is not ConnectionStatus.DELETED
            ),
            key=lambda c: (c.created_at, c.connection_id),
        )

    async def claim_one(
        self, connection_id: str, now: datetime, lease_until: datetime, run_id: str
    ) -> Connection | None:
        conn = self.rows.get(connection_id)
        if conn is None or not conn.claimable(now):
            return None
        return self._claim(conn, run_id, now, lease_until)

    async def due(
        self,
        now: datetime,
        limit: int,
        exclude_suppliers: frozenset[str] = frozenset(),
    ) -> list[Connection]:
        found = sorted(
            (
                c
                for c in self.rows.values()
                if c.claimable(now) and c.supplier_id not in exclude_suppliers
            ),
            key=lambda c: c.claimable_at,  # the order the stored index gives
        )
        return found[:limit]

    async def claim_all(
        self, claims: list[tuple[Connection, str]], now: datetime, lease_until: datetime
    ) -> list[Connection]:
        claimed = []
        for loaded, run_id in claims:
            stored = self.rows.get(loaded.connection_id)
            if stored is None or stored.version != loaded.version:
                continue  # another writer came first
            if stored.claimable(now):
                claimed.append(self._claim(stored, run_id, now, lease_until))
        return claimed

    async def running_by_supplier(self, now: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.rows.values():
            if c.running(now):
                counts[c.supplier_id] = counts.get(c.supplier_id, 0) + 1
        return counts

    async def count_active(self, supplier_id: str) -> int:
        return sum(
            1 for c in self.rows.values() if c.supplier_id == supplier_id and c.active
        )

    async def expired_challenges(self, now: datetime) -> list[Connection]:
        return [
            c
            for c in self.rows.values()
            if c.challenge is not None and c.challenge.expires_at < now
        ]

    def _claim(self, conn, run_id, now, lease_until) -> Connection:
        claimed = conn.claim(run_id, now, lease_until)
        claimed = claimed.model_copy(update={"version": conn.version + 1})
        self.rows[conn.connection_id] = claimed
        return claimed


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
