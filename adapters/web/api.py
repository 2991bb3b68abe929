"""The /v1 JSON API: the catalog, connections, 2-factor answers, the inbox and
invitations. Every call is scoped to the tenant of its API key."""

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from adapters.store.ports import inbox_cursor, parse_inbox_cursor
from adapters.web import connect, invites, manage
from adapters.web.errors import ApiError, not_found
from adapters.web.routing import Call, Route
from adapters.web.views import (
    connection_out,
    inbox_item_out,
    invitation_out,
    supplier_out,
)
from schemas.api import (
    Accepted,
    ChallengeAnswerIn,
    ConnectionIn,
    ConnectionList,
    ConnectionOut,
    InboxPage,
    InvitationIn,
    InvitationList,
    InvitationOut,
    LoginIn,
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


# --- connections --------------------------------------------------------------------


async def _out(call: Call, connection_id: str) -> ConnectionOut:
    conn = await call.svc.connection(call.tenant, connection_id)
    counts = await call.svc.inbox.count_by_connection(call.tenant.tenant_id)
    return connection_out(
        conn, call.svc.catalog, counts.get(connection_id, 0), call.svc.clock()
    )


async def create_connection(call: Call) -> ConnectionOut | web.Response:
    connection_id, conn = await connect.create_connection(
        call.svc, call.tenant, call.body
    )
    location = {"Location": f"/v1/connections/{connection_id}"}
    if conn is None:  # published, not stored yet: accepted, look again shortly
        body = Accepted(connection_id=connection_id, status="pending")
        return web.json_response(
            text=body.model_dump_json(), status=202, headers=location
        )
    out = connection_out(conn, call.svc.catalog, 0, call.svc.clock())
    return web.json_response(text=out.model_dump_json(), status=201, headers=location)


async def list_connections(call: Call) -> ConnectionList:
    svc, now = call.svc, call.svc.clock()
    conns = await svc.connections.list_by_tenant(call.tenant.tenant_id)
    counts = await svc.inbox.count_by_connection(call.tenant.tenant_id)
    return ConnectionList(
        connections=[
            connection_out(c, svc.catalog, counts.get(c.connection_id, 0), now)
            for c in conns
        ]
    )


async def get_connection(call: Call) -> ConnectionOut:
    return await _out(call, call.path["connection_id"])


async def update_credentials(call: Call) -> ConnectionOut:
    cid = call.path["connection_id"]
    await connect.reconnect(call.svc, call.tenant, cid, call.body)
    return await _out(call, cid)


async def fetch_now(call: Call) -> ConnectionOut:
    await manage.fetch_now(call.svc, call.tenant, call.path["connection_id"])
    return await _out(call, call.path["connection_id"])


async def pause_connection(call: Call) -> ConnectionOut:
    await manage.pause(call.svc, call.tenant, call.path["connection_id"])
    return await _out(call, call.path["connection_id"])


async def resume_connection(call: Call) -> ConnectionOut:
    await manage.resume(call.svc, call.tenant, call.path["connection_id"])
    return await _out(call, call.path["connection_id"])


async def delete_connection(call: Call) -> None:
    await manage.delete(call.svc, call.tenant, call.path["connection_id"])


async def answer_challenge(call: Call) -> None:
    await manage.answer_challenge(
        call.svc, call.tenant, call.path["connection_id"], call.body
    )


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


CONN = "/v1/connections/{connection_id}"
INVITE = "/v1/invitations/{invitation_id}"
ROUTES = [
    Route(
        "GET",
        "/v1/suppliers",
        list_suppliers,
        "Search the supplier catalog",
        query=SupplierQuery,
        response=SupplierList,
        tags=("catalog",),
    ),
    Route(
        "GET",
        "/v1/suppliers/{supplier_id}",
        get_supplier,
        "One catalog supplier",
        response=SupplierOut,
        errors=(404,),
        tags=("catalog",),
    ),
    Route(
        "POST",
        "/v1/connections",
        create_connection,
        "Connect a supplier: the login is checked at the portal first",
        body=ConnectionIn,
        response=ConnectionOut,
        status=201,
        errors=(400, 409, 413, 415, 422, 502, 503),
        tags=("connections",),
    ),
    Route(
        "GET",
        "/v1/connections",
        list_connections,
        "The tenant's connections",
        response=ConnectionList,
        tags=("connections",),
    ),
    Route(
        "GET",
        CONN,
        get_connection,
        "One connection",
        response=ConnectionOut,
        errors=(404,),
        tags=("connections",),
    ),
    Route(
        "PUT",
        CONN + "/credentials",
        update_credentials,
        "Update the login (reconnect); checked first, then fetched at once",
        body=LoginIn,
        response=ConnectionOut,
        errors=(400, 404, 409, 413, 415, 422, 502, 503),
        tags=("connections",),
    ),
    Route(
        "POST",
        CONN + "/fetch",
        fetch_now,
        "Fetch now",
        response=ConnectionOut,
        status=202,
        errors=(404, 409),
        tags=("connections",),
    ),
    Route(
        "POST",
        CONN + "/pause",
        pause_connection,
        "Stop fetching until resumed",
        response=ConnectionOut,
        errors=(404, 409),
        tags=("connections",),
    ),
    Route(
        "POST",
        CONN + "/resume",
        resume_connection,
        "Fetch again",
        response=ConnectionOut,
        errors=(404, 409),
        tags=("connections",),
    ),
    Route(
        "DELETE",
        CONN,
        delete_connection,
        "Stop fetching for good; documents already fetched stay",
        status=204,
        errors=(404,),
        tags=("connections",),
    ),
    Route(
        "POST",
        CONN + "/challenge",
        answer_challenge,
        "Answer the one-time code a portal sent",
        body=ChallengeAnswerIn,
        status=202,
        errors=(400, 404, 409, 413, 415),
        tags=("connections",),
    ),
    Route(
        "GET",
        "/v1/inbox",
        list_inbox,
        "Documents in the inbox, newest first",
        query=InboxQuery,
        response=InboxPage,
        errors=(400,),
        tags=("inbox",),
    ),
    Route(
        "GET",
        "/v1/inbox/{item_id}/file",
        download_file,
        "A document's file",
        errors=(404,),
        file=True,
        tags=("inbox",),
    ),
    Route(
        "POST",
        "/v1/invitations",
        create_invitation,
        "Ask a client by email to enter a portal login",
        body=InvitationIn,
        response=InvitationOut,
        status=201,
        errors=(400, 413, 415, 422, 503),
        tags=("invitations",),
    ),
    Route(
        "GET",
        "/v1/invitations",
        list_invitations,
        "Invitations, newest first",
        response=InvitationList,
        tags=("invitations",),
    ),
    Route(
        "GET",
        INVITE,
        get_invitation,
        "One invitation and its state",
        response=InvitationOut,
        errors=(404,),
        tags=("invitations",),
    ),
    Route(
        "DELETE",
        INVITE,
        revoke_invitation,
        "Withdraw a pending invitation",
        response=InvitationOut,
        errors=(404, 409),
        tags=("invitations",),
    ),
]
