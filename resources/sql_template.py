"""SQL text with identifiers filled in by Jinja; values always go in as bind parameters.

``{{ name | ident }}`` quotes a schema-qualified identifier after checking it against a strict pattern,
so a template can only ever name tables and columns that the code itself chose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import jinja2

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    parts = name.split(".")
    if not parts or len(parts) > 2 or not all(_IDENTIFIER.match(p) for p in parts):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return ".".join(f'"{p}"' for p in parts)


def ident_list(names: Iterable[str], prefix: str = "") -> str:
    """``a, b`` → ``"a", "b"``; with a prefix such as ``EXCLUDED.`` each is qualified."""
    return ", ".join(f"{prefix}{ident(n)}" for n in names)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters["ident"] = ident
    env.filters["ident_list"] = ident_list
    return env


def render_sql(template: str, **identifiers: Any) -> str:
    return _environment().from_string(template).render(**identifiers)
