"""The shape of every staging step: a daily asset with no API resource that parses its days' raw rows into
staging, with its parsers' hash as code version.

Why no resource: a parser or rule change marks its partitions stale, and the stale-code-version sensor
re-runs only this asset, so re-staging cannot call the API; the fetching assets carry no parser version
and are never re-run for a parser change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.automation import after_upstream_partitions
from dexxy_assets.source_contract import SourceSettings

StageDays = Callable[[Connection, list[dt.date], dg.AssetExecutionContext], ingest.Landed]


def build_staging_asset(
    settings: SourceSettings,
    partitions: dg.PartitionsDefinition,
    *,
    key: dg.AssetKey,
    tables: Sequence[str],
    deps: Sequence[dg.AssetKey],
    description: str,
    parser_version: str,
    stage: StageDays,
) -> dg.AssetsDefinition:
    """``stage`` parses the raw rows of the days into ``tables`` (the first one's schema is shown)."""

    def load(run: ingest.IngestionRun) -> ingest.LandingStep:
        def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
            staged = stage(conn, run.days, run.context)
            staged.run_wide["parser_version"] = parser_version
            return {key: staged}

        return land

    return ingest.build_ingestion_asset(
        ingest.IngestionSpec(
            name="__".join(key.path),
            entities=(ingest.Entity(key, description, tables[0], tuple(tables[1:])),),
            settings=settings,
            load=load,
            partitions=partitions,
            deps=tuple(deps),
            kinds=frozenset({"python", "postgres"}),
            code_version=parser_version,
            automation_condition=after_upstream_partitions(),
        )
    )
