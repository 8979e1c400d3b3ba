"""Jira's numeric ids travel as strings (``"10023"``); read them as integers, counting what is not one."""

from __future__ import annotations

from dexxy_assets.payload_fields import FieldReader, dig


def jira_id(reader: FieldReader, *path: str, required: bool = True) -> int | None:
    value = dig(reader.payload, *path)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if value is not None or required:
        reader.problem(f"{'.'.join(path)}_{'missing' if value is None else 'not_id'}", value)
    return None
