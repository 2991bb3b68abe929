"""What the notifier reads besides the connection: the invitation it came through (so
the client gets the client's page), and how its documents were judged (so the first
fetch's mail counts what the page shows), through the stores' ports."""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.store.ports import DocumentOutcomes, DocumentStore, InboxStore
from adapters.store.tenancy_ports import InvitationStore
from agents.notify_policy import Audience, audience, settled
from schemas.connection import Connection
from schemas.records import SealedSecret

log = logging.getLogger("agents.notifier")


@dataclass
class Lookups:
    invitations: InvitationStore | None = None
    documents: DocumentStore | None = None
    inbox: InboxStore | None = None
    unseal: Callable[[SealedSecret], dict] | None = None
    supplier_name: Callable[[str], str] = str
    portal_label: Callable[[str, str], str] = field(default=lambda _, variant: variant)
    settle_seconds: float = 60.0  # the longest the first-fetch mail waits for dedupe

    async def audience(self, conn: Connection, page_url: str) -> Audience:
        inv = None
        if self.invitations is not None:
            inv = await self.invitations.by_connection(conn.connection_id)
        link = None
        if inv is not None and inv.client_access and self.unseal is not None:
            try:
                link = f"{page_url}client/{self.unseal(inv.client_access)['token']}"
            except Exception:  # noqa: BLE001 - a retired key: mail as for any connection
                log.warning("client page of %s unreadable", conn.connection_id)
        return audience(conn, inv, page_url, link)

    async def first_fetch_outcome(
        self, conn: Connection
    ) -> tuple[DocumentOutcomes, int]:
        """What the first fetch's documents came to once dedupe and the inbox have
        judged them all (or, at worst, after settle_seconds with no progress): so
        the mail's counts are the page's, however far behind the stages are."""
        docs, inbox = self.documents, self.inbox
        if docs is None or inbox is None:
            return DocumentOutcomes(judged=conn.documents_found), conn.documents_found
        loop = asyncio.get_running_loop()
        deadline, seen = loop.time() + self.settle_seconds, None
        while True:
            outcome = await docs.outcomes(conn.connection_id)
            counts = await inbox.count_by_connection(conn.tenant_id, conn.connection_id)
            posted = counts.get(conn.connection_id, 0)
            if settled(outcome, conn.documents_found, posted):
                return outcome, posted
            if (outcome.judged, posted) != seen:  # still moving: a backlog, not a loss
                seen = outcome.judged, posted
                deadline = loop.time() + self.settle_seconds
            elif loop.time() >= deadline:
                log.warning(
                    "first-fetch mail of %s sent unsettled: %d of %d judged",
                    conn.connection_id,
                    outcome.judged,
                    conn.documents_found,
                )
                return outcome, posted
            await asyncio.sleep(0.5)  # dedupe and the inbox are a hop or two behind
