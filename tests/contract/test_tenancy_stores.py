"""The tenant and invitation stores' contract, run against every implementation
(memory, MongoDB): keys and sessions, and an invitation's one-way life."""

import hashlib
import uuid
from datetime import date, timedelta

import pytest
from pymongo import AsyncMongoClient

from adapters.store.memory_tenancy import InMemoryInvitationStore, InMemoryTenantStore
from adapters.store.mongo_setup import ensure_indexes
from adapters.store.mongo_tenancy import MongoInvitationStore, MongoTenantStore
from schemas.records import (
    ConnectorKind,
    DedupeMode,
    Invitation,
    InvitationStatus,
    SealedSecret,
    Tenant,
)
from tests.unit.factories import NOW


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(params=["memory", "mongodb"])
async def stores(request):
    if request.param == "memory":
        yield InMemoryTenantStore(), InMemoryInvitationStore()
        return
    uri = request.getfixturevalue("service_addresses")[1]
    client = AsyncMongoClient(uri, tz_aware=True)
    db = client[f"contract_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(db)
    yield MongoTenantStore(db), MongoInvitationStore(db)
    await client.drop_database(db.name)
    await client.close()


def tenant(tenant_id="t1", key="k1") -> Tenant:
    return Tenant(
        tenant_id=tenant_id, name="ACME", api_key_sha256=sha(key), created_at=NOW
    )


def invitation(invitation_id="i1", tenant_id="t1", link="tok1", days=0) -> Invitation:
    return Invitation(
        invitation_id=invitation_id,
        tenant_id=tenant_id,
        client_email="client@example.com",
        supplier_id="northwind-energy",
        connector_kind=ConnectorKind.COST,
        document_owner="Client Ltd",
        collect_from=date(2025, 1, 1),
        token_sha256=sha(link),
        created_at=NOW + timedelta(days=days),
        expires_at=NOW + timedelta(days=days + 7),
    )


async def test_tenants_are_found_by_key_and_keep_their_settings(stores):
    tenants, _ = stores
    await tenants.save(tenant())
    assert (await tenants.by_key(sha("k1"))).tenant_id == "t1"
    assert await tenants.by_key(sha("other")) is None
    await tenants.set_dedupe_mode("t1", DedupeMode.REVIEW)
    await tenants.set_locale("t1", "de_DE")
    got = await tenants.get("t1")
    assert (got.dedupe_mode, got.locale) == (DedupeMode.REVIEW, "de_DE")
    await tenants.save(tenant(key="k2"))  # a new key replaces the old one
    assert await tenants.by_key(sha("k1")) is None
    assert (await tenants.by_key(sha("k2"))).tenant_id == "t1"
    assert await tenants.get("nobody") is None


async def test_a_page_session_lives_until_it_expires_or_is_closed(stores):
    tenants, _ = stores
    await tenants.open_session(sha("s1"), "t1", NOW + timedelta(hours=1))
    assert await tenants.session_tenant(sha("s1"), NOW) == "t1"
    assert await tenants.session_tenant(sha("s1"), NOW + timedelta(hours=2)) is None
    await tenants.close_session(sha("s1"))
    assert await tenants.session_tenant(sha("s1"), NOW) is None
    assert await tenants.session_tenant(sha("unknown"), NOW) is None


async def test_an_invitation_is_its_tenants_and_listed_newest_first(stores):
    _, invitations = stores
    await invitations.create(invitation("i1"))
    await invitations.create(invitation("i2", link="tok2", days=1))
    await invitations.create(invitation("i3", tenant_id="t2", link="tok3"))
    assert [i.invitation_id for i in await invitations.list("t1")] == ["i2", "i1"]
    assert await invitations.get("t2", "i1") is None  # not another tenant's
    assert (await invitations.by_token(sha("tok2"))).invitation_id == "i2"
    assert await invitations.by_token(sha("nope")) is None


async def test_a_link_is_used_once_only_while_pending_and_unexpired(stores):
    _, invitations = stores
    await invitations.create(invitation("i1"))
    sealed = SealedSecret(key_id="k", ciphertext="YWNjZXNz")
    late = NOW + timedelta(days=8)
    assert not await invitations.complete("i1", "c1", late)  # expired
    assert await invitations.complete("i1", "c1", NOW, sha("page"), sealed)
    assert not await invitations.complete("i1", "c2", NOW)  # used already
    done = await invitations.by_connection("c1")
    assert done.status is InvitationStatus.COMPLETED and done.client_access == sealed
    assert (await invitations.by_client_access(sha("page"))).invitation_id == "i1"
    await invitations.reopen("i1")  # its connection could not be published
    again = await invitations.get("t1", "i1")
    assert again.status is InvitationStatus.PENDING and again.connection_id is None
    assert await invitations.by_connection("c1") is None


async def test_only_a_pending_invitation_of_the_tenant_is_revoked(stores):
    _, invitations = stores
    await invitations.create(invitation("i1"))
    assert not await invitations.revoke("t2", "i1")
    assert await invitations.revoke("t1", "i1")
    assert not await invitations.revoke("t1", "i1")
    assert not await invitations.complete("i1", "c1", NOW)
    await invitations.delete("i1")
    assert await invitations.get("t1", "i1") is None
