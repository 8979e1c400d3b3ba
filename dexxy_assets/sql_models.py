"""dbt-style SQL models in ``dbt_like_sql/``, rendered with Jinja the way dbt renders them.

``{{ source('staging', 'github_pull_requests') }}`` names a table loaded by Python; ``{{ ref('name') }}``
names another model: a mart (``marts/name.sql``) is its ``analytics`` table, an intermediate model
(``staging/name.sql``) is inlined as a subquery, as dbt does with ephemeral models. ``{{ var('x') }}`` reads
the run's variables, then ``vars:`` of ``dbt_project.yml``; ``{{ config(materialized=...) }}`` at the top
says how the model is built; ``is_incremental()`` is true in a partition's run of an incremental model. The
macros of ``macros/*.sql`` are available to every model, as in dbt, so the folder is a dbt project as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from resources.sql_template import ident

MODELS_DIR = Path(__file__).resolve().parents[1] / "dbt_like_sql"
MART_SCHEMA = "analytics"
MATERIALIZATIONS = ("table", "view", "incremental", "ephemeral")  # ephemeral: staging/, inlined
PARTITION_GRAINS = ("day", "week", "month")


class ModelNotFoundError(LookupError):
    pass


class ModelConfigError(ValueError):
    """A model's ``config()`` names something Dexxy cannot build."""


@dataclass(frozen=True)
class ModelConfig:
    """How a mart is built, from its ``{{ config(...) }}``; without one, a table rebuilt whole."""

    materialized: str = "table"
    event_time: str | None = None  # incremental: the column whose time puts a row in one partition
    unique_key: tuple[str, ...] = ()  # incremental: a row re-built in another partition leaves its old one
    # incremental: the periods a run rebuilds whole: 'day', 'week' (Monday start, UTC) or 'month'
    partition_grain: str = "day"


@dataclass(frozen=True)
class ModelReads:
    """What a model reads: the loaded tables of its ``source()`` calls and the marts of its ``ref()`` calls,
    following inlined (staging/) models."""

    tables: frozenset[str] = field(default_factory=frozenset)
    marts: frozenset[str] = field(default_factory=frozenset)


def model_path(name: str, project: Path = MODELS_DIR) -> Path:
    for layer in ("marts", "staging"):
        path = project / layer / f"{name}.sql"
        if path.exists():
            return path
    raise ModelNotFoundError(f"no SQL model {name!r} under {project}")


def render_model(
    name: str,
    variables: Mapping[str, str] | None = None,
    *,
    incremental: bool = False,
    project: Path = MODELS_DIR,
) -> str:
    """The model's SELECT with every ref(), source(), var() and macro resolved.

    ``incremental`` is what ``is_incremental()`` answers: true only in a partition's run of an incremental
    model, so the same file also gives the full build.
    """
    return _render(
        name, dict(variables or {}), incremental, project, frozenset(), ident(f"{MART_SCHEMA}.{name}")
    )


def _render(
    name: str,
    variables: dict[str, str],
    incremental: bool,
    project: Path,
    seen: frozenset[str],
    this: str,
) -> str:
    if name in seen:
        raise ValueError(f"SQL models reference each other in a cycle: {' -> '.join([*seen, name])}")

    def ref(other: str) -> str:
        if model_path(other, project).parent.name == "marts":
            return ident(f"{MART_SCHEMA}.{other}")
        # an inlined model is part of this one's query: it filters on the same window
        return f"(\n{_render(other, variables, incremental, project, seen | {name}, this)}\n)"

    def source(schema: str, table: str) -> str:
        return ident(f"{schema}.{table}")

    functions = {
        "ref": ref,
        "source": source,
        "config": _ignore_config,
        "is_incremental": lambda: incremental,
        # dbt's {{ this }}: the relation being built; an incremental run may read what it already holds
        "this": this,
    }
    return _render_file(model_path(name, project), variables, project, functions).strip().rstrip(";")


def model_config(name: str, project: Path = MODELS_DIR) -> ModelConfig:
    """The model's ``{{ config(...) }}``, checked: an incremental model names its event-time column."""
    found: dict[str, Any] = {}

    def config(**settings: Any) -> str:
        found.update(settings)
        return ""

    functions = {
        "ref": _nothing,
        "source": _nothing,
        "config": config,
        "is_incremental": lambda: False,
        "this": "",
    }
    _render_file(model_path(name, project), {}, project, functions)
    materialized = found.get("materialized", "table")
    if materialized not in MATERIALIZATIONS:
        raise ModelConfigError(f"model {name!r}: materialized={materialized!r}, not in {MATERIALIZATIONS}")
    unique_key = found.get("unique_key") or ()
    settings = ModelConfig(
        materialized=materialized,
        event_time=found.get("event_time"),
        unique_key=(unique_key,) if isinstance(unique_key, str) else tuple(unique_key),
        partition_grain=found.get("partition_grain", "day"),
    )
    if materialized == "incremental" and not (settings.event_time and settings.unique_key):
        raise ModelConfigError(f"incremental model {name!r} needs event_time= and unique_key= in config()")
    if settings.partition_grain not in PARTITION_GRAINS:
        raise ModelConfigError(f"model {name!r}: partition_grain must be one of {PARTITION_GRAINS}")
    return settings


def model_reads(name: str, project: Path = MODELS_DIR) -> ModelReads:
    tables: set[str] = set()
    marts: set[str] = set()

    def ref(other: str) -> str:
        if model_path(other, project).parent.name == "marts":
            marts.add(other)
        else:
            inlined = model_reads(other, project)
            tables.update(inlined.tables)
            marts.update(inlined.marts)
        return ""

    def source(schema: str, table: str) -> str:
        tables.add(f"{schema}.{table}")
        return ""

    # {{ this }} is the model's own table: no dependency
    functions = {
        "ref": ref,
        "source": source,
        "config": _ignore_config,
        "is_incremental": lambda: True,
        "this": "",
    }
    _render_file(model_path(name, project), {}, project, functions)
    return ModelReads(frozenset(tables), frozenset(marts))


def project_vars(project: Path = MODELS_DIR) -> dict[str, str]:
    """The ``vars:`` of ``dbt_project.yml``: every variable's default."""
    return dict(_project_file(project / "dbt_project.yml").get("vars") or {})


def _render_file(
    path: Path, variables: Mapping[str, str], project: Path, functions: Mapping[str, Callable[..., Any]]
) -> str:
    defaults = project_vars(project)

    def var(name: str, default: str | None = None) -> str:
        for scope in (variables, defaults):
            if name in scope:
                return str(scope[name])
        if default is None:
            raise KeyError(f"{path.name} reads var({name!r}), which neither the run nor dbt_project.yml sets")
        return default

    context: dict[str, Any] = {**functions, "var": var}
    # the macros see the same var() and functions as the model, as dbt's do
    for macro_file in sorted((project / "macros").glob("*.sql")):
        module = _template(macro_file.read_text()).make_module(vars=context)
        context.update({n: getattr(module, n) for n in dir(module) if not n.startswith("_")})
    return _template(path.read_text()).render(**context)


def _ignore_config(**_: Any) -> str:
    return ""


def _nothing(*_: str) -> str:
    return ""


@lru_cache(maxsize=256)
def _template(source: str) -> jinja2.Template:
    return _environment().from_string(source)


@lru_cache(maxsize=16)
def _project_file(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) if path.exists() else {}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
