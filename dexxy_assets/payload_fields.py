"""Reading fields out of API payloads without trusting them: a missing or odd value becomes NULL and a
counted problem, never an exception."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from dexxy_assets.problems import ProblemLog


def dig(payload: Any, *path: str) -> Any:
    """``payload[a][b]…`` or None when any step is missing or not an object."""
    value = payload
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def parse_timestamp(value: Any) -> dt.datetime | None:
    """ISO-8601 (GitHub's ``…Z`` or an offset) to an aware UTC datetime; None when absent or invalid."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


class FieldReader:
    """Typed access to one entity's payload that records problems under ``<entity>.<field>_<issue>``."""

    def __init__(self, payload: Any, entity: str, problems: ProblemLog, partition: dt.date | None) -> None:
        self.payload = payload if isinstance(payload, dict) else {}
        self.entity = entity
        self.problems = problems
        self.partition = partition

    def problem(self, code: str, example: object = None) -> None:
        self.problems.add(f"{self.entity}.{code}", self.partition, example)

    def text(self, *path: str) -> str | None:
        value = dig(self.payload, *path)
        if value is None or isinstance(value, str):
            return value
        self.problem(f"{'.'.join(path)}_not_text", value)
        return str(value)

    def integer(self, *path: str, required: bool = False) -> int | None:
        value = dig(self.payload, *path)
        if isinstance(value, bool) or not isinstance(value, int):
            if value is not None or required:
                self.problem(f"{'.'.join(path)}_{'missing' if value is None else 'not_integer'}", value)
            return None
        return value

    def boolean(self, *path: str) -> bool | None:
        value = dig(self.payload, *path)
        if value is None or isinstance(value, bool):
            return value
        self.problem(f"{'.'.join(path)}_not_boolean", value)
        return None

    def timestamp(self, *path: str, required: bool = False) -> dt.datetime | None:
        raw = dig(self.payload, *path)
        parsed = parse_timestamp(raw)
        if parsed is None and (raw is not None or required):
            self.problem(f"{'.'.join(path)}_{'missing' if raw is None else 'invalid'}", raw)
        return parsed

    def enum(self, allowed: Collection[str], *path: str) -> str | None:
        """Unknown values are kept as they are (GitHub adds states) and counted."""
        value = self.text(*path)
        if value is not None and value not in allowed:
            self.problem(f"{'.'.join(path)}_unknown_value", value)
        return value
