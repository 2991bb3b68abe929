"""/v1 handlers for the catalog, the inbox and invitations; every call is scoped to
the tenant of its API key (connections: api_connections; the table: routes)."""

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from adapters.store.ports import inbox_cursor, parse_inbox_cursor
from adapters.web import invites
from adapters.web.errors import ApiError, not_found
from adapters.web.render import canonical_locale
from adapters.web.routing import Call
from adapters.web.views import (
    inbox_item_out,
    invitation_out,
    supplier_out,
)
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
    if q.after is not None:
        try:
            parse_inbox_cursor(q.after)
        except ValueError:
            raise ApiError(
                400, "invalid_request", "after: not a cursor", field="after"
            ) from None
    items = await call.svc.inbox.list(
        call.tenant.tenant_id,
        connection_id=q.connection_id,
        after=q.after,
        limit=q.limit + 1,  # one more tells whether another page follows
    )
    page = items[: q.limit]
    more = len(items) > q.limit
    return InboxPage(
        items=[inbox_item_out(i) for i in page],
        next_cursor=inbox_cursor(page[-1]) if more else None,
    )


async def download_file(call: Call) -> web.Response:
    return await file_response(call.svc, call.tenant, call.path["item_id"])


async def file_response(svc, tenant, item_id: str) -> web.Response:
    item = await svc.inbox.get(tenant.tenant_id, item_id)
    data = await svc.files.get(item.file.sha256) if item else None
    if item is None or data is None:
        raise not_found("document")
    name = item.file.filename.replace('"', "")
    return web.Response(
        body=data,
        content_type=item.file.content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- invitations --------------------------------------------------------------------


async def create_invitation(call: Call) -> InvitationOut:
    inv, link = await invites.invite(call.svc, call.tenant, call.body)
    return invitation_out(inv, call.svc.clock(), link)


async def list_invitations(call: Call) -> InvitationList:
    now = call.svc.clock()
    found = await call.svc.invitations.list(call.tenant.tenant_id)
    return InvitationList(invitations=[invitation_out(i, now) for i in found])


async def _invitation(call: Call):
    inv = await call.svc.invitations.get(
        call.tenant.tenant_id, call.path["invitation_id"]
    )
    if inv is None:
        raise not_found("invitation")
    return inv


async def get_invitation(call: Call) -> InvitationOut:
    return invitation_out(await _invitation(call), call.svc.clock())


async def revoke_invitation(call: Call) -> InvitationOut:
    inv = await _invitation(call)
    if not await call.svc.invitations.revoke(call.tenant.tenant_id, inv.invitation_id):
        raise ApiError(409, "conflict", "only a pending invitation can be withdrawn")
    return invitation_out(await _invitation(call), call.svc.clock())


# --- settings -----------------------------------------------------------------------


async def get_settings(call: Call) -> SettingsOut:
    return _settings_out(call.tenant)


async def update_settings(call: Call) -> SettingsOut:
    body, tenant = call.body, call.tenant
    if body.locale is not None:
        try:
            locale = canonical_locale(body.locale)
        except ValueError as exc:
            raise ApiError(400, "invalid_request", str(exc), field="locale") from None
        await call.svc.tenants.set_locale(tenant.tenant_id, locale)
        tenant = tenant.model_copy(update={"locale": locale})
    if body.dedupe_mode is not None:
        await call.svc.tenants.set_dedupe_mode(tenant.tenant_id, body.dedupe_mode)
        tenant = tenant.model_copy(update={"dedupe_mode": body.dedupe_mode})
    return _settings_out(tenant)


def _settings_out(t) -> SettingsOut:
    return SettingsOut(
        tenant_id=t.tenant_id, name=t.name, dedupe_mode=t.dedupe_mode, locale=t.locale
    )
