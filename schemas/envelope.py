"""The envelope every Billhound event shares, and upcasters for old versions."""

import builtins
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ulid import ULID

from schemas import bounded_json

# No event of the contract comes near this; a larger one is refused, not parsed.
MAX_EVENT_BYTES = 256 * 1024


def new_id() -> str:
    """A new ULID as a string: sortable by time, unique without coordination."""
    return str(ULID())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Fields common to every event; subclasses set TYPE and VERSION."""

    # Consumers ignore unknown fields (forward compatibility) and events are immutable.
    model_config = ConfigDict(frozen=True, extra="ignore")

    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    event_id: str = Field(default_factory=new_id, description="ULID of this event")
    type: str = Field(description="The topic-level event type, e.g. 'fetch-due'")
    version: int = Field(ge=1, description="Schema version of this event type")
    occurred_at: datetime = Field(default_factory=utcnow, description="UTC time")
    tenant_id: str = Field(min_length=1)
    connection_id: str = Field(min_length=1)
    correlation_id: str = Field(
        default_factory=new_id, description="One per fetch run, carried by every stage"
    )
    causation_id: str | None = Field(
        default=None, description="event_id of the event that caused this one"
    )

    def __init__(self, **data: Any) -> None:
        data.setdefault("type", self.TYPE)
        data.setdefault("version", self.VERSION)
        super().__init__(**data)

    @classmethod
    def parse_raw_event(cls, raw: bytes) -> Self:
        """Parse wire bytes, upcasting old versions; ValueError says what is wrong."""

        # ValueError: too large, too deep, huge ints, not JSON
        data = bounded_json.loads(raw, max_bytes=MAX_EVENT_BYTES)
        if not isinstance(data, dict):
            raise ValueError("event is not a JSON object")
        if data.get("type") != cls.TYPE:
            raise ValueError(f"expected type {cls.TYPE!r}, got {data.get('type')!r}")
        data = upcast(cls.TYPE, data, cls.VERSION)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ValueError(_summarise(exc)) from exc

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    def caused(self, cls: "builtins.type[Event]", **fields: Any) -> Any:
        """A follow-up event of type cls, carrying this event's ids forward."""
        fields.setdefault("tenant_id", self.tenant_id)
        fields.setdefault("connection_id", self.connection_id)
        fields.setdefault("correlation_id", self.correlation_id)
        fields.setdefault("causation_id", self.event_id)
        return cls(**fields)


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
# (event type, from version) -> function returning the dict at version + 1.
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcast(event_type: str, data: dict[str, Any], target: int) -> dict[str, Any]:
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValueError("missing or invalid 'version'")
    if version > target:
        raise ValueError(f"version {version} is newer than supported {target}")
    while version < target:
        step = UPCASTERS.get((event_type, version))
        if step is None:
            raise ValueError(f"no upcaster for {event_type} v{version}")
        data = step(data)
        version = data["version"]
    return data


def _summarise(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "event"
        parts.append(f"{where}: {err['msg']}")
    return "invalid event: " + "; ".join(parts)
