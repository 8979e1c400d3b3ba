"""Where Dexxy reads its environment. Values are read when a run needs them, never at import time."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DEXXY_HOME = ".dexxy"


def env_value(name: str, default: str | None = None) -> str | None:
    """The variable's value, with empty strings treated as unset (as `.env` files often leave them)."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_list(name: str) -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in (env_value(name) or "").split(",") if item.strip()]


def dexxy_home() -> Path:
    return Path(env_value("DEXXY_HOME", DEFAULT_DEXXY_HOME) or DEFAULT_DEXXY_HOME).resolve()
