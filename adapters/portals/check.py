"""The connect-time check: log in and read the first documents before a connection is
saved, so a wrong login is caught while the person is still there."""

from contextlib import aclosing
from datetime import date

from adapters.portals.factory import CatalogPortalFactory
from adapters.portals.hints import known_elsewhere_hint, remedy, variant_hint
from adapters.portals.protocol import (
    LOGIN,
    CheckedChallenge,
    CheckResult,
    CodeSent,
    PersonNeeded,
    PortalError,
)
from schemas.errors import TITLE
from schemas.records import Credentials

SAMPLE = 5  # documents read to prove the list works


class PortalLoginCheck:
    """The LoginCheck port: check_connection through the catalog's portals."""

    def __init__(self, portals: CatalogPortalFactory) -> None:
        self.portals = portals

    async def check(
        self, supplier_id: str, variant: str, credentials: Credentials
    ) -> CheckResult:
        return await check_connection(self.portals, supplier_id, variant, credentials)


async def check_connection(
    portals: CatalogPortalFactory,
    supplier_id: str,
    variant: str,
    credentials: Credentials,
    *,
    probe_variants: bool = True,
) -> CheckResult:
    """Success, or the taxonomy error with a remedy. With probe_variants, a login the
    portal says it does not know is tried on the other variants, to name the right
    one; a password one portal refused is never sent to another."""
    supplier = portals.catalog.supplier(supplier_id)
    portals.catalog.variant(supplier_id, variant)  # unknown variant: LookupError
    base = {"supplier_id": supplier_id, "variant": variant}
    try:
        refs = await _first_documents(portals, supplier_id, variant, credentials)
    except CodeSent as ch:
        return CheckResult(
            ok=True,
            **base,
            challenge=CheckedChallenge(
                medium=ch.medium, destination_hint=ch.destination_hint
            ),
        )
    except PersonNeeded as needed:  # the login was right; a person finishes it later
        return CheckResult(
            ok=True,
            **base,
            challenge=CheckedChallenge(medium=needed.medium, destination_hint=None),
        )
    except PortalError as err:
        extra = []
        if err.field == LOGIN and probe_variants:
            extra = await _where_known(portals, supplier, variant, credentials)
        return CheckResult(
            ok=False,
            **base,
            code=err.code,
            title=TITLE[err.code],
            remedy=remedy(supplier, err, credentials, extra, variant=variant),
            field=err.field,
        )
    return CheckResult(
        ok=True,
        **base,
        documents_seen=len(refs),
        newest_document=max((r.metadata.issued_on for r in refs), default=None),
    )


async def _first_documents(portals, supplier_id, variant, credentials):
    async with portals.open(supplier_id, variant) as portal:
        await portal.login(credentials)
        refs = []
        async with aclosing(portal.list_documents(date.min)) as listing:
            async for ref in listing:
                refs.append(ref)
                if len(refs) >= SAMPLE:
                    break
        return refs


async def _where_known(portals, supplier, variant, credentials) -> list[str]:
    """Which other variant has this login. Lockout-safe: the first portal that knows
    the account ends the search, whether it takes the password or refuses it, so a
    wrong password is refused by one account at most."""
    for other in supplier.variants:
        if other == variant:
            continue
        try:
            async with portals.open(supplier.id, other) as portal:
                await portal.login(credentials)
        except (CodeSent, PersonNeeded):
            return [variant_hint(supplier, other)]  # the password was right there
        except PortalError as err:
            if err.field == LOGIN:
                continue  # no account there either: nothing was refused
            return [known_elsewhere_hint(supplier, other, err)]
        return [variant_hint(supplier, other)]
    return []
