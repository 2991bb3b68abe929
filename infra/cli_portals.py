"""`billhound suppliers ...` and `billhound check`: the catalog and the connect-time
check from a terminal, as JSON a script (or the API) can read."""

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from pydantic import SecretStr

from adapters.portals.catalog import Catalog
from adapters.portals.check import check_connection
from adapters.portals.factory import CatalogPortalFactory
from infra.cli_env import check_mongodb, local_settings, preflight
from infra.settings import Settings
from schemas.records import Credentials
from schemas.totp import normalise_totp_secret


def portal_urls(settings: Settings, home: Path = Path(".billhound")) -> dict[str, str]:
    """The operator's overrides, else the demo portals of a running `billhound run`."""
    if settings.portal_urls:
        return settings.portal_urls
    stack = home / "stack.json"
    if stack.exists():
        return json.loads(stack.read_text()).get("portals", {})
    return {}


def summary(supplier) -> dict:
    return {
        "id": supplier.id,
        "name": supplier.name,
        "aliases": supplier.aliases,
        "connector_kinds": supplier.connector_kinds,
        "login_kind": supplier.login_kind,
        "login_case_sensitive": supplier.login_case_sensitive,
        "two_factor": supplier.two_factor,
        "variants": {
            key: {"label": v.label, "region": v.region, "account_type": v.account_type}
            for key, v in supplier.variants.items()
        },
    }


def cmd_search(args: argparse.Namespace) -> int:
    found = Catalog.load().search(args.text, limit=args.limit)
    print(json.dumps([summary(s) for s in found], indent=2))
    return 0 if found else 1


def cmd_record(args: argparse.Namespace) -> int:
    from infra.recorder import main

    return main(args.url, args.port)


def cmd_resume(args: argparse.Namespace) -> int:
    from adapters.store.mongo_suppliers import MongoSupplierStore
    from infra.clients import mongo_client

    try:
        Catalog.load().supplier(args.supplier)
    except LookupError:
        print(
            f"billhound suppliers resume: no supplier {args.supplier!r} in the "
            "catalog (find its id with `billhound suppliers search NAME`)",
            file=sys.stderr,
        )
        return 2
    settings = local_settings()
    if not preflight("suppliers resume", lambda: check_mongodb(settings)):
        return 2

    async def resume() -> bool:
        client = mongo_client(settings)
        try:
            store = MongoSupplierStore(client[settings.mongodb_database])
            return await store.resume(args.supplier)
        finally:
            await client.close()

    resumed = asyncio.run(resume())
    print(json.dumps({"supplier_id": args.supplier, "resumed": resumed}))
    if not resumed:
        print(f"{args.supplier} was not paused: nothing to resume.", file=sys.stderr)
    return 0 if resumed else 1


def cmd_check(args: argparse.Namespace) -> int:
    settings = Settings()
    password = args.password
    if password is None:  # keep it out of the shell history and `ps`
        password = os.environ.get("BILLHOUND_CHECK_PASSWORD", "")
    if not password:  # an empty password is one refused login: never send it
        return _refuse(
            "no password: give --password or set BILLHOUND_CHECK_PASSWORD",
            "password",
        )
    try:
        secret = normalise_totp_secret(args.totp_secret) if args.totp_secret else None
    except ValueError as exc:
        return _refuse(str(exc), "totp_secret")
    credentials = Credentials(
        login=args.login,
        password=SecretStr(password),
        totp_secret=SecretStr(secret) if secret else None,
    )
    factory = CatalogPortalFactory(
        Catalog.load(portal_urls(settings)), settings.portal_timeout_seconds
    )
    try:
        result = asyncio.run(
            check_connection(factory, args.supplier, args.variant, credentials)
        )
    except LookupError as exc:
        print(json.dumps({"ok": False, "error": exc.args[0] if exc.args else str(exc)}))
        return 2
    print(result.model_dump_json(indent=2, exclude_none=True))
    return 0 if result.ok else 1


def _refuse(error: str, field: str) -> int:
    """Bad input, said on stderr and as JSON; nothing was sent to a portal."""
    print(json.dumps({"ok": False, "error": error, "field": field}))
    print(f"billhound check: {error}", file=sys.stderr)
    return 2


def add_commands(sub) -> None:
    suppliers = sub.add_parser("suppliers", help="the supplier catalog")
    s_sub = suppliers.add_subparsers(dest="suppliers_command", required=True)
    search = s_sub.add_parser("search", help="find a supplier by name or alias")
    search.add_argument("text")
    search.add_argument("--limit", type=int, default=10)
    search.set_defaults(func=cmd_search)
    resume = s_sub.add_parser("resume", help="resume a supplier paused by operators")
    resume.add_argument("supplier")
    resume.set_defaults(func=cmd_resume)

    record = s_sub.add_parser(
        "record", help="record a person's sign-in on a portal into a draft entry"
    )
    record.add_argument("url", help="the portal's sign-in page")
    record.add_argument("--port", type=int, default=0, help="the recorder's page")
    record.set_defaults(func=cmd_record)
    check = sub.add_parser("check", help="try a login before saving a connection")
    check.add_argument("--supplier", required=True)
    check.add_argument("--variant", default="default")
    check.add_argument("--login", required=True)
    check.add_argument(
        "--password", help="default: the BILLHOUND_CHECK_PASSWORD environment variable"
    )
    check.add_argument("--totp-secret", help="authenticator secret, if 2-factor is on")
    check.set_defaults(func=cmd_check)
