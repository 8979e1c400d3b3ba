"""Which asset lands which warehouse table, so a SQL model's ``source()`` and ``ref()`` calls are its
dependencies: declared once, where the table is written, never again by hand beside the model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg

from dexxy_assets.sql_models import MART_SCHEMA, model_reads

PUBLISHES = "dexxy/publishes"


class UnpublishedTableError(LookupError):
    """A model reads a table that no asset declares it lands."""


def publishes(*tables: str) -> dict[str, Any]:
    """Asset metadata naming the tables the asset lands (the ones models read with ``source()``)."""
    return {PUBLISHES: sorted(tables)}


def table_publishers(assets: Iterable[dg.AssetsDefinition]) -> dict[str, dg.AssetKey]:
    """Each published table and the one asset that lands it."""
    found: dict[str, dg.AssetKey] = {}
    for assets_def in assets:
        for spec in assets_def.specs:
            for table in (spec.metadata or {}).get(PUBLISHES, ()):
                if table in found and found[table] != spec.key:
                    raise ValueError(
                        f"{table} is published by both {found[table].to_user_string()} and "
                        f"{spec.key.to_user_string()}: one table, one writer"
                    )
                found[table] = spec.key
    return found


def model_dependencies(name: str, publishers: Mapping[str, dg.AssetKey]) -> list[dg.AssetKey]:
    """The assets a mart model depends on: the publishers of its tables and the marts it refers to."""
    reads = model_reads(name)
    missing = sorted(reads.tables - set(publishers))
    if missing:
        raise UnpublishedTableError(
            f"model {name!r} reads {', '.join(missing)}, which no asset publishes: add the table to the "
            f"`publishes(...)` metadata of the asset that lands it"
        )
    keys = {publishers[table] for table in reads.tables} | {
        dg.AssetKey([MART_SCHEMA, mart]) for mart in reads.marts
    }
    return sorted(keys, key=lambda key: key.to_user_string())
