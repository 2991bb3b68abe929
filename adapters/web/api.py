"""/v1 handlers for the catalog, the inbox and invitations; every call is scoped to
the tenant of its API key (connections: api_connections; the table: routes)."""

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from adapters.web.commands import invite_of
from adapters.web.errors import not_found
from adapters.web.routing import Call
from adapters.web.views import (
    inbox_item_out,
    invitation_out,
    supplier_out,
)
from agents.services.commands import ChangeSettings
from schemas.api import (
    InboxPage,
    InvitationList,
    InvitationOut,
    SettingsOut,
    SupplierList,
    SupplierOut,
)


class SupplierQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: str | None = Field(default=None, max_length=100, description="Name, alias, host")


class InboxQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    connection_id: str | None = Field(default=None, max_length=100)
    after: str | None = Field(default=None, max_length=200, description="A cursor")
    limit: int = Field(default=50, ge=1, le=500)


class FileQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="One of the item's other formats (`formats`), by its sha256",
    )


# --- catalog ------------------------------------------------------------------------


async def list_suppliers(call: Call) -> SupplierList:
    catalog = call.svc.catalog
    found = catalog.search(call.query.q) if call.query.q else catalog.all()
    return SupplierList(suppliers=[supplier_out(s) for s in found])


async def get_supplier(call: Call) -> SupplierOut:
    try:
        return supplier_out(call.svc.catalog.supplier(call.path["supplier_id"]))
    except LookupError:
        raise not_found("supplier") from None


# --- inbox --------------------------------------------------------------------------


async def list_inbox(call: Call) -> InboxPage:
    q = call.query
    items, cursor = await call.svc.inbox.page(
        call.tenant.tenant_id,
        connection_id=q.connection_id,
        after=q.after,
        limit=q.limit,
    )
    return InboxPage(items=[inbox_item_out(i) for i in items], next_cursor=cursor)


async def download_file(call: Call) -> web.Response:
    return await file_response(
        call.svc, call.tenant, call.path["item_id"], call.query.sha256
    )


async def view_e_invoice(call: Call) -> web.Response:
    return await e_invoice_response(call.svc, call.tenant, call.path["item_id"])


async def e_invoice_response(svc, tenant, item_id: str) -> web.Response:
    page = await svc.inbox.e_invoice_page(tenant.tenant_id, item_id)
    # The page shows a supplier's XML: nothing in it may run or load anything.
    return web.Response(
        text=page,
        content_type="text/html",
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"
        },
    )


async def file_response(svc, tenant, item_id: str, sha256=None) -> web.Response:
    ref, data = await svc.inbox.file(tenant.tenant_id, item_id, sha256)
    name = ref.filename.replace('"', "")
    return web.Response(
        body=data,
        content_type=ref.content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- invitations --------------------------------------------------------------------


async def create_invitation(call: Call) -> InvitationOut:
    cmd = invite_of(call.tenant.tenant_id, call.body)
    inv, link = await call.svc.invitations.invite(cmd)
    return invitation_out(inv, call.svc.clock(), link)


async def list_invitations(call: Call) -> InvitationList:
    now = call.svc.clock()
    found = await call.svc.invitations.list(call.tenant.tenant_id)
    return InvitationList(invitations=[invitation_out(i, now) for i in found])


async def get_invitation(call: Call) -> InvitationOut:
    inv = await call.svc.invitations.get(
        call.tenant.tenant_id, call.path["invitation_id"]
    )
    return invitation_out(inv, call.svc.clock())


async def revoke_invitation(call: Call) -> InvitationOut:
    inv = await call.svc.invitations.revoke(
        call.tenant.tenant_id, call.path["invitation_id"]
    )
    return invitation_out(inv, call.svc.clock())


# --- settings -----------------------------------------------------------------------


async def get_settings(call: Call) -> SettingsOut:
    return _settings_out(call.tenant)


async def update_settings(call: Call) -> SettingsOut:
    cmd = ChangeSettings(
        call.tenant.tenant_id,
        locale=call.body.locale,
        dedupe_mode=call.body.dedupe_mode,
    )
    return _settings_out(await call.svc.tenants.change_settings(cmd))


def _settings_out(t) -> SettingsOut:
    return SettingsOut(
        tenant_id=t.tenant_id, name=t.name, dedupe_mode=t.dedupe_mode, locale=t.locale
    )
