"""Demo connections for `billhound run`: sealed, published as upstream does."""

import json
from dataclasses import dataclass
from datetime import date

from aiokafka import AIOKafkaProducer
from pydantic import SecretStr

from adapters.portals.catalog import Catalog
from adapters.vault.sealing import seal
from infra.demo_portal.data import Account, PortalSpec, invoices_for
from schemas.events import ConnectionCreated
from schemas.records import Credentials

DEMO_TENANT = "demo-tenant"
DEMO_TENANT_NAME = "Demo Books Ltd"


@dataclass(frozen=True)
class DemoConnection:
    event: ConnectionCreated
    label: str
    expected: int  # invoices on the portal dated on or after collect_from


def unattended(account: Account) -> bool:
    """Accounts a fetch can run for without a person: no SSO, lock, terms, SMS,
    captcha or app approval."""
    refused = account.sso_only or account.locked or account.action_needed
    person = account.captcha or account.app_approval
    return not refused and account.two_factor != "sms" and not person


def connection_event(
    spec: PortalSpec,
    account: Account,
    public_key: str,
    *,
    tenant_id: str,
    connection_id: str,
    collect_from: date,
    kind: str = "cost",
) -> ConnectionCreated:
    """connection-created for a demo account, its login sealed as upstream seals."""
    totp = account.totp_secret
    credentials = seal(
        public_key,
        Credentials(
            login=account.username,
            password=account.password,
            totp_secret=SecretStr(totp) if totp else None,
        ),
    )
    slug = "".join(c if c.isalnum() else "-" for c in account.username)
    return ConnectionCreated(
        tenant_id=tenant_id,
        connection_id=connection_id,
        supplier_id=spec.supplier_id,
        portal_variant=spec.variant,
        connector_kind=kind,
        document_owner=account.customer,
        notify_email=f"books+{slug}@example.com",
        collect_from=collect_from,
        credentials=credentials,
    )


def demo_connections(
    specs: list[PortalSpec], public_key: str, catalog: Catalog | None = None
) -> list[DemoConnection]:
    catalog = catalog or Catalog.load()
    known = {s.id for s in catalog.all()}
    out = []
    collect_from = date(2025, 1, 1)
    for spec in specs:
        if spec.supplier_id not in known:
            continue
        for account in [a for a in spec.accounts if unattended(a)][:2]:
            slug = "".join(c if c.isalnum() else "-" for c in account.username)
            event = connection_event(
                spec,
                account,
                public_key,
                tenant_id=DEMO_TENANT,
                connection_id=f"demo-{spec.supplier_id}-{spec.variant}-{slug}",
                collect_from=collect_from,
                kind=catalog.supplier(spec.supplier_id).connector_kinds[0],
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
