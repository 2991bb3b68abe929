"""Faust topic objects for every contract topic, with the optional deployment prefix."""

import faust

from schemas.topics import TOPIC_NAMES


class Topics:
    """Contract topic name -> Faust topic; the prefix never leaks into handler code."""

    def __init__(self, app: faust.App, prefix: str = "") -> None:
        self.prefix = prefix
        self._by_name = {
            name: app.topic(
                prefix + name,
                key_type=bytes,
                value_type=bytes,
                key_serializer="raw",
                value_serializer="raw",
            )
            for name in TOPIC_NAMES
        }

    def __getitem__(self, name: str) -> faust.TopicT:
        return self._by_name[name]

    def all(self) -> list[faust.TopicT]:
        return list(self._by_name.values())
