"""Tenants: made by an operator with a key shown once, their settings changed by the
tenant, and the page sessions its people sign in with."""

from collections.abc import Callable
from datetime import datetime, timedelta

from adapters.store.tenancy_ports import TenantStore
from agents.services.commands import ChangeSettings
from agents.services.errors import Invalid
from schemas.envelope import new_id
from schemas.locale import canonical_locale
from schemas.records import Tenant
from schemas.tokens import new_api_key, new_token, sha256_hex

SESSION_HOURS = 12


class Tenants:
    def __init__(self, store: TenantStore, clock: Callable[[], datetime]) -> None:
        self.store, self.clock = store, clock

    async def create(
        self, name: str, tenant_id: str | None = None, locale: str | None = None
    ) -> tuple[Tenant, str]:
        """A tenant with a new API key (replacing the key of an existing tenant_id).
        The key is returned once; only its sha256 is stored."""
        if locale is not None:
            locale = self._locale(locale)
        key = new_api_key()
        existing = await self.store.get(tenant_id) if tenant_id else None
        if existing is not None:  # a new key; everything else the tenant keeps
            tenant = existing.model_copy(
                update={"name": name, "api_key_sha256": sha256_hex(key)}
                | ({"locale": locale} if locale else {})
            )
        else:
            tenant = Tenant(
                tenant_id=tenant_id or new_id(),
                name=name,
                api_key_sha256=sha256_hex(key),
                created_at=self.clock(),
                **({"locale": locale} if locale else {}),
            )
        await self.store.save(tenant)
        return tenant, key

    async def by_key(self, api_key: str) -> Tenant | None:
        return await self.store.by_key(sha256_hex(api_key)) if api_key else None

    async def get(self, tenant_id: str) -> Tenant | None:
        return await self.store.get(tenant_id)

    async def change_settings(self, cmd: ChangeSettings) -> Tenant:
        tenant = await self.store.get(cmd.tenant_id)
        if tenant is None:
            raise Invalid("unknown_tenant", f"no tenant {cmd.tenant_id}")
        if cmd.locale is not None:
            locale = self._locale(cmd.locale)
            await self.store.set_locale(tenant.tenant_id, locale)
            tenant = tenant.model_copy(update={"locale": locale})
        if cmd.dedupe_mode is not None:
            await self.store.set_dedupe_mode(tenant.tenant_id, cmd.dedupe_mode)
            tenant = tenant.model_copy(update={"dedupe_mode": cmd.dedupe_mode})
        return tenant

    @staticmethod
    def _locale(text: str) -> str:
        try:
            return canonical_locale(text)
        except ValueError as exc:
            raise Invalid("invalid_request", str(exc), field="locale") from None

    # -- page sessions: a random token, kept hashed ------------------------------

    async def sign_in(self, api_key: str) -> tuple[Tenant, str] | None:
        """The tenant and a new session token, if the key is valid."""
        tenant = await self.by_key(api_key)
        if tenant is None:
            return None
        token = new_token()
        expires = self.clock() + timedelta(hours=SESSION_HOURS)
        await self.store.open_session(sha256_hex(token), tenant.tenant_id, expires)
        return tenant, token

    async def session(self, token: str) -> Tenant | None:
        tenant_id = await self.store.session_tenant(sha256_hex(token), self.clock())
        return await self.store.get(tenant_id) if tenant_id else None

    async def sign_out(self, token: str) -> None:
        await self.store.close_session(sha256_hex(token))
