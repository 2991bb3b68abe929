"""Before a login is kept: the catalog must offer the connection, the portal must take
the login (while the person is still there), and then it is sealed at once."""

from pydantic import SecretStr

from adapters.portals.protocol import LoginCheck, NotOffered, SupplierDirectory
from adapters.vault.ports import Sealer
from agents.services.commands import Login
from agents.services.errors import LoginRefused, Refused
from schemas.records import ConnectorKind, Credentials, SealedSecret
from schemas.totp import normalise_totp_secret


class Logins:
    def __init__(
        self,
        directory: SupplierDirectory,
        check: LoginCheck,
        sealer: Sealer,
        check_on_connect: bool = True,
    ) -> None:
        self.directory, self.checker, self.sealer = directory, check, sealer
        self.check_on_connect = check_on_connect

    def offering(
        self, supplier_id: str, variant: str | None, kind: ConnectorKind
    ) -> str:
        """The supplier's name, if it has this variant and this kind of connection."""
        try:
            return self.directory.offering(supplier_id, variant, kind)
        except NotOffered as exc:
            raise Refused(exc.code, str(exc), field=exc.field) from None

    async def checked(
        self, supplier_id: str, variant: str, login: Login
    ) -> SealedSecret:
        """Sign in once with the person still there; the sealed login if it works."""
        try:
            secret = (
                normalise_totp_secret(login.totp_secret) if login.totp_secret else None
            )
        except ValueError as exc:
            raise Refused(
                "invalid_totp_secret", str(exc), field="totp_secret"
            ) from None
        credentials = Credentials(
            login=login.login,
            password=SecretStr(login.password),
            totp_secret=SecretStr(secret) if secret else None,
        )
        if self.check_on_connect:
            result = await self.checker.check(supplier_id, variant, credentials)
            if not result.ok and result.code is not None:
                raise LoginRefused(result.code, result.remedy or "", result.field)
        return self.sealer.seal(credentials)
