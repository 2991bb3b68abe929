"""Demo connections for `billhound run`: sealed, published as upstream does."""

import json
from dataclasses import dataclass
from datetime import date

from aiokafka import AIOKafkaProducer

from adapters.vault.sealing import seal
from infra.demo_portal.data import PortalSpec, invoices_for
from schemas.events import ConnectionCreated
from schemas.records import ConnectorKind, Credentials

DEMO_TENANT = "demo-tenant"


@dataclass(frozen=True)
class DemoConnection:
    event: ConnectionCreated
    label: str
    expected: int  # invoices on the portal dated on or after collect_from


def demo_connections(specs: list[PortalSpec], public_key: str) -> list[DemoConnection]:
    out = []
    collect_from = date(2025, 1, 1)
    for spec in specs:
        for account in spec.accounts[:2]:
            credentials = seal(
                public_key,
                Credentials(login=account.username, password=account.password),
            )
            event = ConnectionCreated(
                tenant_id=DEMO_TENANT,
                connection_id=f"demo-{spec.supplier_id}-{account.username}",
                supplier_id=spec.supplier_id,
                portal_variant=spec.variant,
                connector_kind=ConnectorKind.COST,
                document_owner=account.customer,
                notify_email=f"{account.username}@example.com",
                collect_from=collect_from,
                credentials=credentials,
            )
            expected = sum(
                inv.issued_on >= collect_from for inv in invoices_for(spec, account)
            )
            out.append(
                DemoConnection(event, f"{account.customer} @ {spec.name}", expected)
            )
    return out


async def publish(bootstrap: str, topic: str, events: list[ConnectionCreated]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                topic,
                json.dumps(event.model_dump(mode="json")).encode(),
                key=event.connection_id.encode(),
            )
    finally:
        await producer.stop()
