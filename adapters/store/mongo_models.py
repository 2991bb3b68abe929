"""Map pydantic records to MongoDB documents: the record's id field is the `_id`."""

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def load(model: type[M], id_field: str, doc: dict[str, Any] | None) -> M | None:
    if doc is None:
        return None
    doc = dict(doc)
    doc[id_field] = doc.pop("_id")
    return model.model_validate(doc)
