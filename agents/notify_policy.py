"""Notifier decisions (pure): which mail, to whom, with which link, and when the first
fetch's documents have all been judged so its mail can say what reached the inbox."""

from dataclasses import dataclass

from adapters.store.ports import DocumentOutcomes, Reminder
from schemas.connection import Connection
from schemas.events import ConnectionStatusChanged
from schemas.records import ConnectionStatus, Invitation


@dataclass(frozen=True)
class Audience:
    """Who hears of a connection: the person who can fix it, with a page they can
    open, and (for a client's connection) the accountant, told but not asked."""

    acts: str
    acts_link: str
    informed: str | None = None
    informed_link: str | None = None
    client: str | None = None  # the client's name, for the accountant's mails


def connection_link(page_url: str, connection_id: str) -> str:
    """The connection's own row on the connected suppliers page."""
    return f"{page_url}#connection-{connection_id}"


def audience(
    conn: Connection,
    invitation: Invitation | None,
    page_url: str,
    client_link: str | None,
) -> Audience:
    page = connection_link(page_url, conn.connection_id)
    if invitation is None or client_link is None:
        return Audience(acts=conn.notify_email, acts_link=page)
    return Audience(
        acts=invitation.client_email,
        acts_link=client_link,  # the client cannot open the accountant's page
        informed=invitation.accountant(),
        informed_link=page,
        client=invitation.client_name or invitation.client_email,
    )


def first_fetch_completed(event: ConnectionStatusChanged) -> bool:
    return (
        event.old_status is ConnectionStatus.PENDING
        and event.new_status is ConnectionStatus.CONNECTED
    )


def settled(outcomes: DocumentOutcomes, found: int, posted: int) -> bool:
    """Every document the run found is judged, and every one judged for the inbox
    is in it: only then does a count in a mail agree with the page."""
    return outcomes.judged >= found and posted >= outcomes.to_post


def still_disrupted(conn: Connection | None, reminder: Reminder) -> bool:
    """Remind only of the disruption that was mailed, while it lasts."""
    return (
        conn is not None
        and conn.status is ConnectionStatus.DISRUPTED
        and conn.disruption_id == reminder.notification_id
    )


def every(hours: float) -> str:
    if hours % 24 == 0:
        days = int(hours // 24)
        return {1: "day", 7: "week"}.get(days, f"{days} days")
    return "hour" if hours == 1 else f"{hours:g} hours"
