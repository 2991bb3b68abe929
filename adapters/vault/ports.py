"""The vault as the fetcher stage sees it: open credentials, seal and open state."""

from typing import Protocol

from schemas.records import Credentials, SealedSecret


class UnsealError(Exception):
    """The ciphertext cannot be opened: unknown key id, or corrupt."""


class Vault(Protocol):
    def unseal(self, secret: SealedSecret) -> Credentials: ...

    def unseal_data(self, secret: SealedSecret) -> dict: ...

    def seal_data(self, data: dict) -> SealedSecret: ...


class Sealer(Protocol):
    """Sealing with the public key only: what the API and the use cases may do."""

    def seal(self, credentials: Credentials) -> SealedSecret: ...

    def seal_data(self, data: dict) -> SealedSecret: ...
