"""One worker fetches many connections at once: runs of different suppliers overlap
in time, each delivers exactly its documents, and the worker reports its runs."""

from datetime import date

from tests.bus import caught_up
from tests.e2e.fleet import connect_to, expected, inbox_of, stage_state

ACCOUNTS = [  # five suppliers, one account each; each run makes a dozen requests
    ("northwind-energy/default", "acme-ltd", "cost"),
    ("cobalt-water/default", "JSmith", "cost"),
    ("rainforest/uk", "buyer@acme.example", "cost"),
    ("ledgerly/default", "acme-sales", "sales"),
    ("parcelpoint/default", "depot-7", "cost"),
]
SLOW = 0.2  # seconds each portal takes per request


async def test_runs_of_many_connections_go_on_at_the_same_time(stack, db):
    for key, _, _ in ACCOUNTS:
        await stack.portal_call(key, "POST", "/_demo/reset")
        await stack.portal_call(key, "POST", "/_demo/behaviour", {"slow_seconds": SLOW})
    try:
        conns = {}
        for key, login, kind in ACCOUNTS:
            _, conn = await connect_to(stack, key, login, kind=kind)
            conns[conn] = (key, login)
        for conn, (key, login) in conns.items():
            want = expected(key, login, date(2025, 1, 1))
            assert len(await inbox_of(db, conn, len(want))) == len(want), key
        stats = [await stack.portal_stats(key) for key, _, _ in ACCOUNTS]
    finally:
        for key, _, _ in ACCOUNTS:
            await stack.portal_call(key, "POST", "/_demo/reset")
    # Every portal was still answering when the last one began: all five at once.
    last_start = max(s["first_request_at"] for s in stats)
    first_end = min(s["last_answer_at"] for s in stats)
    assert last_start < first_end, stats
    runs = (await stage_state(stack, "fetcher"))["runs"]
    assert runs["peak"] >= len(ACCOUNTS) and runs["limit"] >= len(ACCOUNTS), runs
    # Nothing doubled: every document found was judged, and each inbox is exact.
    await caught_up(stack, "document-found", "document-accepted")
    for conn, (key, login) in conns.items():
        count = await db["inbox"].count_documents({"connection_id": conn})
        assert count == len(expected(key, login, date(2025, 1, 1))), key
