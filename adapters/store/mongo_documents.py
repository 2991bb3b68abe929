"""MongoDocumentStore (dedupe's records) and GridFsFileStore (files by sha256)."""

import hashlib
from dataclasses import dataclass

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from adapters.store.mongo_models import load
from adapters.store.ports import DocumentOutcomes, DocumentRecord
from schemas.records import FileRef, Verdict


class MongoDocumentStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["documents"]

    async def get(self, document_id: str) -> DocumentRecord | None:
        doc = await self._c.find_one({"_id": document_id})
        return _record(doc)

    async def find_new_by_sha(
        self, tenant_id: str, sha256: str
    ) -> DocumentRecord | None:
        return await self._original({"tenant_id": tenant_id, "sha256": sha256})

    async def find_new_by_key(
        self, tenant_id: str, strong_key: str
    ) -> DocumentRecord | None:
        return await self._original({"tenant_id": tenant_id, "strong_key": strong_key})

    async def find_new_by_weak_key(
        self, tenant_id: str, weak_key: str, numberless_only: bool
    ) -> DocumentRecord | None:
        query = {"tenant_id": tenant_id, "weak_key": weak_key}
        if numberless_only:
            query["has_number"] = False
        return await self._original(query)

    async def _original(self, query: dict) -> DocumentRecord | None:
        """The first accepted (new, readable) document matching the query."""
        query |= {"verdict": Verdict.NEW.value, "rejection": None}
        doc = await self._c.find_one(query, sort=[("created_at", 1)])
        return _record(doc)

    async def insert(self, record: DocumentRecord) -> bool:
        doc = record.model_dump(mode="json")
        doc["_id"] = doc.pop("document_id")
        doc["created_at"] = record.created_at
        try:
            await self._c.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def mark_sent(self, document_id: str) -> None:
        await self._c.update_one(
            {"_id": document_id}, {"$set": {"accepted_sent": True}}
        )

    async def known_ids(self, connection_id: str, supplier_ids: list[str]) -> set[str]:
        cursor = self._c.find(
            {
                "connection_id": connection_id,
                "supplier_document_id": {"$in": supplier_ids},
            },
            {"supplier_document_id": 1},
        )
        return {doc["supplier_document_id"] async for doc in cursor}

    async def outcomes(self, connection_id: str) -> DocumentOutcomes:
        cursor = self._c.find(
            {"connection_id": connection_id},
            {"rejection": 1, "post": 1, "verdict": 1},
        )
        return DocumentOutcomes.of(
            [
                _Judged(d.get("rejection"), d.get("post", True), Verdict(d["verdict"]))
                async for d in cursor
            ]
        )


@dataclass(frozen=True)
class _Judged:
    rejection: str | None
    post: bool
    verdict: Verdict


def _record(doc: dict | None) -> DocumentRecord | None:
    return load(DocumentRecord, "document_id", doc)


class GridFsFileStore:
    """Files in GridFS, named by their sha256 so identical bytes are stored once."""

    def __init__(self, db: AsyncDatabase, bucket: str = "files") -> None:
        self._bucket = AsyncGridFSBucket(db, bucket_name=bucket)
        self._files = db[f"{bucket}.files"]

    async def put(self, data: bytes, filename: str, content_type: str) -> FileRef:
        sha = hashlib.sha256(data).hexdigest()
        ref = FileRef(
            sha256=sha, size=len(data), content_type=content_type, filename=filename
        )
        if await self._files.find_one({"filename": sha}, {"_id": 1}) is None:
            await self._bucket.upload_from_stream(
                sha, data, metadata={"content_type": content_type, "original": filename}
            )
        return ref

    async def get(self, sha256: str) -> bytes | None:
        try:
            stream = await self._bucket.open_download_stream_by_name(sha256)
        except NoFile:
            return None
        return await stream.read()
