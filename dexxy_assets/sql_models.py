"""dbt-style SQL models in ``dbt_like_sql/``, rendered with Jinja.

``{{ source('staging', 'github_pull_requests') }}`` names a table loaded by Python; ``{{ ref('name') }}``
names another model: a mart (``marts/name.sql``) is its ``analytics`` table, an intermediate model
(``staging/name.sql``) is inlined as a subquery, as dbt does with ephemeral models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2

from resources.sql_template import ident

MODELS_DIR = Path(__file__).resolve().parents[1] / "dbt_like_sql"
MART_SCHEMA = "analytics"


class ModelNotFoundError(LookupError):
    pass


def model_path(name: str) -> Path:
    for layer in ("marts", "staging"):
        path = MODELS_DIR / layer / f"{name}.sql"
        if path.exists():
            return path
    raise ModelNotFoundError(f"no SQL model {name!r} under {MODELS_DIR}")


def render_model(name: str) -> str:
    """The model's SELECT with every ref() and source() resolved."""
    return _render(name, frozenset())


def _render(name: str, seen: frozenset[str]) -> str:
    if name in seen:
        raise ValueError(f"SQL models reference each other in a cycle: {' -> '.join([*seen, name])}")
    path = model_path(name)

    def ref(other: str) -> str:
        other_path = model_path(other)
        if other_path.parent.name == "marts":
            return ident(f"{MART_SCHEMA}.{other}")
        return f"(\n{_render(other, seen | {name})}\n)"

    def source(schema: str, table: str) -> str:
        return ident(f"{schema}.{table}")

    template = _environment().from_string(path.read_text())
    return template.render(ref=ref, source=source).strip().rstrip(";")


@dataclass(frozen=True)
class ModelReads:
    """What a model reads: the loaded tables of its ``source()`` calls and the marts of its ``ref()`` calls,
    following inlined (staging/) models."""

    tables: frozenset[str] = field(default_factory=frozenset)
    marts: frozenset[str] = field(default_factory=frozenset)


def model_reads(name: str) -> ModelReads:
    tables: set[str] = set()
    marts: set[str] = set()

    def ref(other: str) -> str:
        if model_path(other).parent.name == "marts":
            marts.add(other)
        else:
            inlined = model_reads(other)
            tables.update(inlined.tables)
            marts.update(inlined.marts)
        return ""

    def source(schema: str, table: str) -> str:
        tables.add(f"{schema}.{table}")
        return ""

    _environment().from_string(model_path(name).read_text()).render(ref=ref, source=source)
    return ModelReads(frozenset(tables), frozenset(marts))


def hours_between(start: str, end: str) -> str:
    """Hours from ``start`` to ``end`` as numeric(…, 2); NULL when either is NULL or the span is negative."""
    return (
        f"(CASE WHEN {end} >= {start} "
        f"THEN round((extract(epoch FROM ({end}) - ({start})) / 3600.0)::numeric, 2) END)"
    )


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.globals["hours_between"] = hours_between
    return env
