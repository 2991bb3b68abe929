"""Connect demo portal accounts through the real pipeline, and watch what comes out."""

from datetime import date

from infra.demo_portal.data import invoices_for, load_specs
from tests.bus import produce, read_to_end, read_topic
from tests.e2e.test_pipeline import wait_for
from tests.e2e.upstream import connection_created, unique

SPECS = {s.key: s for s in load_specs()}


def expected(key: str, login: str, collect_from: date) -> list:
    spec = SPECS[key]
    return [
        i
        for i in invoices_for(spec, spec.account(login))
        if i.issued_on >= collect_from
    ]


async def connect_to(
    stack, key: str, login: str, password: str | None = None, **kw
) -> tuple[str, str]:
    """Publish connection-created for a demo account; the real password by default."""
    spec = SPECS[key]
    account = spec.account(login)
    tenant, conn = unique("tenant"), unique("conn")
    if "totp_secret" not in kw and account is not None:
        kw["totp_secret"] = account.totp_secret
    raw = connection_created(
        stack.keys,
        tenant=tenant,
        connection=conn,
        login=login,
        password=account.password if password is None else password,
        supplier=spec.supplier_id,
        variant=spec.variant,
        **kw,
    )
    await produce(stack.kafka, "connection-created", raw, conn.encode())
    return tenant, conn


async def inbox_of(db, conn: str, at_least: int, timeout: float = 60.0) -> list[dict]:
    async def enough():
        rows = await db["inbox"].find({"connection_id": conn}).to_list(None)
        return rows if len(rows) >= at_least else None

    return await wait_for(enough, timeout=timeout) or []


async def events_for(stack, topic: str, conn: str, n: int = 1, timeout: float = 60.0):
    return await read_topic(
        stack.kafka,
        topic,
        lambda e: conn in (e.get("connection_id"), *e.get("connection_ids", [])),
        until=lambda found: len(found) >= n,
        timeout=timeout,
    )


async def connection(db, conn: str) -> dict | None:
    return await db["connections"].find_one({"_id": conn})


async def stage_state(stack, stage: str) -> dict:
    """The stage as the worker's /healthz reports it: state, handled, ticks."""
    import aiohttp

    url = f"http://127.0.0.1:{stack.settings['health_port']}/healthz"
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return (await resp.json())["stages"][stage]


async def ticks_pass(stack, stage: str = "scheduler", n: int = 3) -> None:
    """Wait until the worker's stage has ticked n more times (its /healthz says): the
    positive marker that the schedule had its chances, instead of a fixed sleep."""
    start = (await stage_state(stack, stage))["ticks"]

    async def enough():
        return (await stage_state(stack, stage))["ticks"] >= start + n

    assert await wait_for(enough, timeout=30), f"{stage} did not tick {n} times"


async def published_for(stack, topic: str, conn: str) -> list[dict]:
    """What has been published on topic about this connection so far (no waiting:
    call it after caught_up, which says the stages are done)."""
    return await read_to_end(
        stack.kafka,
        topic,
        lambda e: conn in (e.get("connection_id"), *e.get("connection_ids", [])),
    )


async def connect_own(own, keys, accounts, since: date) -> dict[str, int]:
    """Publish connection-created to an own worker for each (portal key, login,
    kind); each new connection's id and the documents it should deliver."""
    conns = {}
    for key, login, kind in accounts:
        spec, conn = SPECS[key], unique("conn")
        raw = connection_created(
            keys,
            tenant=unique("tenant"),
            connection=conn,
            login=login,
            password=spec.account(login).password,
            supplier=spec.supplier_id,
            variant=spec.variant,
            kind=kind,
            collect_from=since.isoformat(),
        )
        await own.publish("connection-created", raw, conn)
        conns[conn] = len(expected(key, login, since))
    return conns
