"""/v1 handlers for connections: create (checked first), read, change, answer a code.
Each parses nothing itself (the route table does) and calls one use case."""

from aiohttp import web

from adapters.web.commands import answer_of, connect_of, reconnect_of
from adapters.web.routing import Call
from adapters.web.views import connection_out
from schemas.api import Accepted, ConnectionList, ConnectionOut


async def _out(call: Call, connection_id: str) -> ConnectionOut:
    conn, collected = await call.svc.connections.one(
        call.tenant.tenant_id, connection_id
    )
    return connection_out(conn, call.svc.catalog, collected, call.svc.clock())


async def create_connection(call: Call) -> ConnectionOut | web.Response:
    cmd = connect_of(call.tenant.tenant_id, call.body)
    connection_id, conn = await call.svc.connections.connect(cmd)
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
    found = await svc.connections.all(call.tenant.tenant_id)
    return ConnectionList(
        connections=[connection_out(c, svc.catalog, n, now) for c, n in found]
    )


async def get_connection(call: Call) -> ConnectionOut:
    return await _out(call, call.path["connection_id"])


async def update_credentials(call: Call) -> ConnectionOut:
    cid = call.path["connection_id"]
    await call.svc.connections.reconnect(
        reconnect_of(call.tenant.tenant_id, cid, call.body)
    )
    return await _out(call, cid)


async def fetch_now(call: Call) -> ConnectionOut:
    await call.svc.connections.fetch_now(call.tenant.tenant_id, _id(call))
    return await _out(call, _id(call))


async def pause_connection(call: Call) -> ConnectionOut:
    await call.svc.connections.pause(call.tenant.tenant_id, _id(call))
    return await _out(call, _id(call))


async def resume_connection(call: Call) -> ConnectionOut:
    await call.svc.connections.resume(call.tenant.tenant_id, _id(call))
    return await _out(call, _id(call))


async def delete_connection(call: Call) -> None:
    await call.svc.connections.delete(call.tenant.tenant_id, _id(call))


async def answer_challenge(call: Call) -> None:
    cmd = answer_of(call.tenant.tenant_id, _id(call), call.body)
    await call.svc.connections.answer_code(cmd)


def _id(call: Call) -> str:
    return call.path["connection_id"]
