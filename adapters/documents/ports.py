"""The document reader's port: what a fetched file says, or why it is not a document."""

from typing import Protocol

from schemas.records import DocumentFacts


class RejectedFile(Exception):
    """Not a document we accept: code (empty, too_large, not_a_document, unreadable,
    encrypted) and a reason in plain words."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


class Reader(Protocol):
    def check_size(self, size: int) -> None:
        """RejectedFile before loading a file that is empty or too large."""

    def read(self, data: bytes, region: str | None = None) -> DocumentFacts:
        """The facts of an accepted file; RejectedFile says why it is not one.
        region: the supplier's (its catalog variant's), for dates and OCR."""

    def read_document(
        self, data: bytes, region: str | None = None
    ) -> tuple[DocumentFacts, bytes | None]:
        """As read, with the e-invoice XML found inside a PDF, to keep beside it."""
