"""The shape of a GitHub staging asset: a daily asset with no GitHub resource that parses its days' raw rows
into staging, with the parsers' hash (GITHUB_PARSER_VERSION) as its code version.

Why no resource: a parser or rule change marks its partitions stale, and the stale-code-version sensor
re-runs only this asset, so re-staging cannot call the API; the fetching assets carry no parser version
and are never re-run for a parser change.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import asset_metadata
from dexxy_assets.automation import after_upstream_partitions
from dexxy_assets.github import asset_settings
from dexxy_assets.github.parser_version import GITHUB_PARSER_VERSION
from dexxy_assets.ingestion_report import ingestion_metadata, record_ingestion, report_materialization
from dexxy_assets.partitions import partition_dates
from dexxy_assets.problems import ProblemLog
from dexxy_assets.table_lineage import publishes
from resources.warehouse import WarehouseResource


@dataclass
class Staged:
    """What one staging run did: rows staged (per day), problems met, and run-wide figures to show."""

    rows: int
    per_day: Mapping[dt.date, int]
    problems: ProblemLog
    extra: dict[str, Any] = field(default_factory=dict)


def build_staged_asset(
    partitions: dg.PartitionsDefinition,
    *,
    key: dg.AssetKey,
    tables: Sequence[str],
    deps: Sequence[dg.AssetKey],
    description: str,
    stage: Callable[[Connection, list[dt.date]], Staged],
) -> dg.AssetsDefinition:
    """``stage`` parses the raw rows of the days into ``tables`` (the first one's schema is shown)."""

    @dg.asset(
        key=key,
        metadata=publishes(*tables),
        description=description,
        group_name=asset_settings.GROUP,
        owners=asset_settings.OWNERS,
        kinds={"python", "postgres"},
        deps=list(deps),
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        code_version=GITHUB_PARSER_VERSION,
        automation_condition=after_upstream_partitions(),
    )
    def staged_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        with warehouse.begin() as conn:
            result = stage(conn, days)
            record_ingestion(
                conn,
                run_id=context.run.run_id,
                asset_key=key,
                partitions=days,
                started_at=started_at,
                rows=result.rows,
                problems=result.problems,
                usage=None,
            )
            schema = asset_metadata.table_schema(conn, tables[0])
        return report_materialization(
            context,
            key,
            rows_per_day=result.per_day,
            total_rows=result.rows,
            problems=result.problems,
            run_wide=ingestion_metadata(
                schema=schema, usage=None, **result.extra, parser_version=GITHUB_PARSER_VERSION
            ),
        )

    return staged_asset
