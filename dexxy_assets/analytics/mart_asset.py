"""One factory for every SQL-built analytics table: build the model by its materialization (a table swapped
in whole, a view, or an incremental model one partition window at a time), report rows, a preview and the
commented schema."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import asset_metadata
from dexxy_assets.analytics.mart_partitions import asset_partitions, run_window
from dexxy_assets.analytics.materializations import Window, materialize
from dexxy_assets.automation import after_any_upstream, after_upstream_partitions, recent_partitions
from dexxy_assets.model_docs import column_schema
from dexxy_assets.partitions import resolve_start_date
from dexxy_assets.run_wide_metadata import add_run_wide
from dexxy_assets.sql_models import MART_SCHEMA, model_config
from dexxy_assets.table_lineage import model_dependencies
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource

GROUP = "analytics"
OWNERS = ["team:data-platform"]

_PREVIEW = "SELECT * FROM {{ table | ident }} ORDER BY 1 DESC LIMIT 10"
_COUNT = "SELECT count(*) FROM {{ table | ident }}"


def rebuild_mart(
    conn: Connection, name: str, window: Window | None = None
) -> tuple[int, list[dict[str, Any]], dg.TableSchema]:
    """Build ``analytics.<name>`` (whole, or one window of an incremental model); return the table's row
    count, a sample and the schema."""
    materialize(conn, name, window)
    return _describe(conn, f"{MART_SCHEMA}.{name}")


def _describe(conn: Connection, table: str) -> tuple[int, list[dict[str, Any]], dg.TableSchema]:
    rows = conn.execute(text(render_sql(_COUNT, table=table))).scalar_one()
    sample = [dict(r._mapping) for r in conn.execute(text(render_sql(_PREVIEW, table=table)))]
    return rows, sample, asset_metadata.table_schema(conn, table)


@dataclass(frozen=True)
class MartSpec:
    """A table of the analytics schema built by ``dbt_like_sql/marts/<name>.sql``; its dependencies are
    what the model's ``source()`` and ``ref()`` calls read (``table_lineage``), how it is built is the model's
    ``config()``, and its descriptions are those of the ``schema.yml`` beside it."""

    name: str
    description: str
    preview_columns: Sequence[str]


def build_mart_asset(
    spec: MartSpec, publishers: Mapping[str, dg.AssetKey], start: dt.date | None = None
) -> dg.AssetsDefinition:
    """The mart's asset; an incremental model's is daily-partitioned (from ``start``, by default
    DEXXY_START_DATE) and each run replaces its partitions' window, widened to whole weeks or months for a
    model of that grain. A daily model follows its upstream partitions; a weekly or monthly one, whose
    periods also change with what its unpartitioned upstream marts learn late (an incident after a
    deployment's week), refreshes its recent periods only (``recent_partitions``)."""
    table = f"{MART_SCHEMA}.{spec.name}"
    settings = model_config(spec.name)
    partitions = (
        asset_partitions(start or resolve_start_date()) if settings.materialized == "incremental" else None
    )
    documented = column_schema(spec.name)

    @dg.asset(
        key=dg.AssetKey([GROUP, spec.name]),
        description=spec.description,
        group_name=GROUP,
        owners=OWNERS,
        kinds={"postgres", "sql"},
        deps=model_dependencies(spec.name, publishers),
        metadata={
            "dagster/table_name": table,
            "materialized": settings.materialized,
            **({"dagster/column_schema": documented} if documented else {}),
        },
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions else None,
        automation_condition=_automation(settings.partition_grain if partitions else None),
    )
    def mart(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        window = (
            run_window(partitions, context.partition_time_window, settings.partition_grain)
            if partitions
            else None
        )
        with warehouse.begin() as conn:
            written = materialize(conn, spec.name, window)
            rows, sample, schema = _describe(conn, table)
        context.log.info(f"{table}: {written} rows written, {rows} in the table")
        described: dict[str, Any] = {
            "dagster/column_schema": schema,
            "dagster/table_name": table,
            "preview": asset_metadata.preview(sample, spec.preview_columns),
        }
        if not window:
            return dg.MaterializeResult(metadata={"dagster/row_count": rows, **described})
        add_run_wide(context, {**described, "table_rows": rows, **window.variables()})  # once, not per day
        return dg.MaterializeResult(metadata={"dagster/row_count": written})

    return mart


def _automation(grain: str | None) -> dg.AutomationCondition:
    if grain is None:
        return after_any_upstream()
    if grain == "day":
        return after_upstream_partitions()
    return recent_partitions(grain)
