"""MongoDocumentStore (dedupe's records) and GridFsFileStore (files by sha256)."""

import hashlib
from dataclasses import dataclass

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo.asynchronous.database import AsyncDatabase

from adapters.store.mongo_models import insert_each, load
from adapters.store.ports import DocumentOutcomes, DocumentRecord
from schemas.records import FileRef, Verdict


class MongoDocumentStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._c = db["documents"]

    async def get(self, document_id: str) -> DocumentRecord | None:
        doc = await self._c.find_one({"_id": document_id})
        return _record(doc)

    async def get_many(self, document_ids: list[str]) -> dict[str, DocumentRecord]:
        cursor = self._c.find({"_id": {"$in": list(document_ids)}})
        return {doc["_id"]: _record(doc) async for doc in cursor}

    async def originals(
        self,
        tenant_id: str,
        sha256s: list[str],
        strong_keys: list[str],
        weak_keys: list[str],
    ) -> list[DocumentRecord]:
        found: dict[str, dict] = {}
        for field, values in (
            ("sha256", sha256s),
            ("strong_key", strong_keys),
            ("weak_key", weak_keys),
        ):
            if not values:
                continue
            # Tenant and one key list: the index's own form. The verdict is checked
            # below, not in the query, which would then scan on some servers.
            query = {"tenant_id": tenant_id, field: {"$in": sorted(set(values))}}
            async for doc in self._c.find(query):
                if doc.get("verdict") == Verdict.NEW.value and not doc.get("rejection"):
                    found[doc["_id"]] = doc
        records = [_record(doc) for doc in found.values()]
        return sorted(records, key=lambda r: (r.created_at, r.document_id))

    async def insert(self, record: DocumentRecord) -> bool:
        return (await self.insert_many([record]))[0]

    async def insert_many(self, records: list[DocumentRecord]) -> list[bool]:
        docs = []
        for record in records:
            doc = record.model_dump(mode="json")
            doc["_id"] = doc.pop("document_id")
            doc["created_at"] = record.created_at
            docs.append(doc)
        return await insert_each(self._c, docs)

    async def mark_sent(self, document_ids: list[str]) -> None:
        await self._c.update_many(
            {"_id": {"$in": list(document_ids)}}, {"$set": {"accepted_sent": True}}
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
        self._chunks = db[f"{bucket}.chunks"]

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

    async def get_many(self, sha256s: list[str]) -> dict[str, bytes]:
        """Two queries for any number of files (GridFS's own layout: the files by
        name, then their chunks in order); a file whose bytes do not hash to its
        name (an upload cut short) is left out, as if it were not stored."""
        names = sorted(set(sha256s))
        ids = {}
        async for f in self._files.find({"filename": {"$in": names}}, {"filename": 1}):
            ids[f["_id"]] = f["filename"]
        parts: dict = {}  # per stored file (a name may have been stored twice)
        async for chunk in self._chunks.find({"files_id": {"$in": list(ids)}}):
            parts.setdefault(chunk["files_id"], []).append(
                (chunk["n"], bytes(chunk["data"]))
            )
        found = {}
        for file_id, pieces in parts.items():
            data = b"".join(piece for _, piece in sorted(pieces))
            if hashlib.sha256(data).hexdigest() == ids[file_id]:
                found[ids[file_id]] = data
        return found
