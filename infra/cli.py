"""The `billhound` command: run the local stack, a worker or the API; print the public
key; create tenants; search the supplier catalog; check a login."""

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from infra.cli_env import (
    check_keys,
    check_mongodb,
    local_settings,
    preflight,
)
from infra.cli_portals import add_commands
from infra.settings import Settings


def cmd_worker(_: argparse.Namespace) -> int:
    from infra.worker import run_worker

    settings = local_settings()
    if not preflight("worker", lambda: check_keys(settings)):
        return 2
    logging.basicConfig(level=settings.log_level)
    return run_worker(settings)


def cmd_public_key(args: argparse.Namespace) -> int:
    from infra.local.stack import ensure_keys

    keys_dir = Path(args.keys_dir) if args.keys_dir else Settings().vault_keys_dir
    ring = ensure_keys(keys_dir)
    print(f"key_id: {ring.current_key_id}")
    print(f"public_key: {ring.public_key_b64()}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from infra.run import run_local

    Path(args.home).mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_local(Path(args.home), demo=not args.no_demo))
    return 0


def cmd_api(_: argparse.Namespace) -> int:
    from infra.web import run_api

    settings = local_settings()
    if not preflight("api", lambda: check_keys(settings, public_only=True)):
        return 2
    return run_api(settings)


def cmd_tenant_create(args: argparse.Namespace) -> int:
    from infra.web import create_tenant
    from schemas.locale import canonical_locale

    settings = local_settings()
    locale = None
    if args.locale:
        try:
            locale = canonical_locale(args.locale)
        except ValueError as exc:
            print(f"billhound tenants create: {exc}", file=sys.stderr)
            return 2
    if not preflight("tenants create", lambda: check_mongodb(settings)):
        return 2
    tenant, key = asyncio.run(
        create_tenant(settings, args.name, args.tenant_id, locale=locale)
    )
    print(f"tenant_id: {tenant.tenant_id}")
    print(f"api_key: {key}")
    print("Keep the key now: Billhound stores only its hash and cannot show it again.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="billhound", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the local stack with the demo portals")
    run.add_argument("--home", default=".billhound", help="state, logs, mail, keys")
    run.add_argument("--no-demo", action="store_true", help="no demo connections")
    run.set_defaults(func=cmd_run)
    worker = sub.add_parser("worker", help="run the agents (settings: BILLHOUND_* env)")
    worker.set_defaults(func=cmd_worker)
    key = sub.add_parser("public-key", help="print the key publishers seal with")
    key.add_argument("--keys-dir", help="default: BILLHOUND_VAULT_KEYS_DIR")
    key.set_defaults(func=cmd_public_key)
    api = sub.add_parser("api", help="serve the API and the pages (BILLHOUND_* env)")
    api.set_defaults(func=cmd_api)
    tenants = sub.add_parser("tenants", help="manage tenants").add_subparsers(
        dest="tenants_command", required=True
    )
    create = tenants.add_parser("create", help="a tenant and its API key")
    create.add_argument("name", help="the business's name, shown on its pages")
    create.add_argument("--tenant-id", help="replace this tenant's API key")
    create.add_argument(
        "--locale", help="how its pages write dates and amounts (default en_GB)"
    )
    create.set_defaults(func=cmd_tenant_create)
    add_commands(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
