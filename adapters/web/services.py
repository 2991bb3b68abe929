"""What the web layer calls: one service per use-case family, and the catalog its
pages and the supplier search show. Handlers parse HTTP and call one of these."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from adapters.portals.catalog import Catalog
from agents.services.connections import Connections
from agents.services.inbox import Inbox
from agents.services.invitations import Invitations
from agents.services.tenants import Tenants
from schemas.envelope import utcnow


@dataclass(frozen=True)
class WebServices:
    connections: Connections
    invitations: Invitations
    tenants: Tenants
    inbox: Inbox
    catalog: Catalog
    public_url: str = "http://127.0.0.1:8080"
    clock: Callable[[], datetime] = field(default=utcnow)
