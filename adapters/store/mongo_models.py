"""Map pydantic records to MongoDB documents (the record's id field is the `_id`),
and insert many at once."""

from typing import Any, TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

M = TypeVar("M", bound=BaseModel)
DUPLICATE_KEY = 11000


def load(model: type[M], id_field: str, doc: dict[str, Any] | None) -> M | None:
    if doc is None:
        return None
    doc = dict(doc)
    doc[id_field] = doc.pop("_id")
    return model.model_validate(doc)


async def insert_each(collection: AsyncCollection, docs: list[dict]) -> list[bool]:
    """Insert the documents in one unordered write; False for each whose unique key
    (its _id or another unique index) was taken. Any other failure is raised."""
    if not docs:
        return []
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        taken = {e["index"] for e in errors}
        return [i not in taken for i in range(len(docs))]
    return [True] * len(docs)
