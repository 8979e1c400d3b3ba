"""Story points as numbers, whatever the site stored: 5, 5.0, "5", "5.5", "3,5"; other text is a problem."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from dexxy_assets.payload_fields import FieldReader


def story_points(value: Any, reader: FieldReader) -> Decimal | None:
    """The estimate, or None (counted when a value was there but is not a number)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        reader.problem("story_points_not_number", value)
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        reader.problem("story_points_as_text", value)  # readable, but something wrote text: worth knowing
        try:
            parsed = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            reader.problem("story_points_not_number", value)
            return None
        return parsed if parsed.is_finite() else None
    reader.problem("story_points_not_number", value)
    return None
