"""Everything a fetch run works with, named once: the stores, the portals and what
the catalog says of them, the key ring, the policies and the clock."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from adapters.portals.live_view import LiveViews
from adapters.portals.protocol import PortalOpener, SupplierDirectory
from adapters.store.ports import (
    ConnectionStore,
    DocumentStore,
    FileStore,
    SupplierStore,
)
from adapters.vault.ports import Vault
from agents.fetch_policy import RetryBackoff
from agents.schedule_policy import SchedulePolicy, jitter_unit
from schemas.envelope import utcnow


@dataclass
class FetchDeps:
    connections: ConnectionStore
    documents: DocumentStore
    files: FileStore
    suppliers: SupplierStore
    portals: PortalOpener
    directory: SupplierDirectory
    vault: Vault
    schedule: SchedulePolicy
    backoff: RetryBackoff
    layout_threshold: int = 2  # connections seeing a changed layout: pause
    topic_prefix: str = ""  # of the topic a given-up run's letter names
    challenge_ttl: float | None = None  # caps the portal's own code lifetime
    live_views: LiveViews | None = None  # pages a person finishes a step on
    clock: Callable[[], datetime] = utcnow
    jitter: Callable[[], float] = jitter_unit
