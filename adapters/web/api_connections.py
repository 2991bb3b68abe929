"""/v1 handlers for connections: create (checked first), read, change, answer a code."""

from aiohttp import web

from adapters.web import connect, manage
from adapters.web.routing import Call
from adapters.web.views import connection_out
from schemas.api import Accepted, ConnectionList, ConnectionOut


async def _out(call: Call, connection_id: str) -> ConnectionOut:
    conn = await call.svc.connection(call.tenant, connection_id)
    counts = await call.svc.inbox.count_by_connection(
        call.tenant.tenant_id, connection_id
    )
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
