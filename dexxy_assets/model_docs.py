"""What the ``schema.yml`` files beside the SQL models say (dbt's properties files): each mart's and
column's description and type, and the source tables the models may read. One text, three readers: the
warehouse (``COMMENT ON``, for BI tools), Dagster (the asset's column schema in the UI) and dbt itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import dagster as dg
import yaml

from dexxy_assets.sql_models import MODELS_DIR


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    description: str | None
    data_type: str | None


@dataclass(frozen=True)
class ModelDoc:
    name: str
    description: str | None
    columns: tuple[ColumnDoc, ...] = field(default_factory=tuple)


def model_docs(project: Path = MODELS_DIR) -> dict[str, ModelDoc]:
    """Every documented model by name."""
    return dict(_read(project)[0])


def declared_sources(project: Path = MODELS_DIR) -> frozenset[str]:
    """``schema.table`` of every source the properties files declare (dbt refuses an undeclared one)."""
    return _read(project)[1]


def column_schema(name: str, project: Path = MODELS_DIR) -> dg.TableSchema | None:
    """The documented columns of a model as Dagster's column schema, known before any materialization."""
    doc = model_docs(project).get(name)
    if doc is None:
        return None
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=c.name, type=c.data_type or "unknown", description=c.description)
            for c in doc.columns
        ]
    )


def _read(project: Path) -> tuple[tuple[tuple[str, ModelDoc], ...], frozenset[str]]:
    files = tuple(sorted(p for layer in ("marts", "staging") for p in (project / layer).glob("*.yml")))
    return _parse(files, tuple(p.stat().st_mtime_ns for p in files))


@lru_cache(maxsize=8)
def _parse(
    files: tuple[Path, ...], _versions: tuple[int, ...]
) -> tuple[tuple[tuple[str, ModelDoc], ...], frozenset[str]]:
    models: dict[str, ModelDoc] = {}
    sources: set[str] = set()
    for path in files:
        properties = yaml.safe_load(path.read_text()) or {}
        for model in properties.get("models") or []:
            columns = tuple(
                ColumnDoc(c["name"], c.get("description"), c.get("data_type"))
                for c in model.get("columns") or []
            )
            if model["name"] in models:
                raise ValueError(f"model {model['name']!r} is documented twice ({path.name})")
            models[model["name"]] = ModelDoc(model["name"], model.get("description"), columns)
        for source in properties.get("sources") or []:
            schema = source.get("schema", source["name"])
            sources.update(f"{schema}.{table['name']}" for table in source.get("tables") or [])
    return tuple(models.items()), frozenset(sources)
