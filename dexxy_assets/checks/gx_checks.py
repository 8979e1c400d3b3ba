"""Asset checks that run a source's Great Expectations suites (``<source>/gx_suites.py``; GX 1.x called
directly: dagster-ge pins GX below 1). A partitioned suite reads only the checked partitions' rows."""

import datetime as dt
import time
import warnings
from collections.abc import Sequence

import dagster as dg
import pandas as pd
from sqlalchemy import Connection, text

from dexxy_assets.checks.gx_suite import TableSuite
from dexxy_assets.checks.gx_validation import outcome_metadata, validate_frame
from dexxy_assets.checks.gx_volume import weekly_volume
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource

_ROWS = "SELECT {{ columns | ident_list }} FROM {{ table | ident }}"
_PARTITION_ROWS = _ROWS + " WHERE {{ column | ident }} >= :start AND {{ column | ident }} < :end"


def read_rows(conn: Connection, suite: TableSuite, window: tuple[dt.date, dt.date] | None) -> pd.DataFrame:
    """The suite's columns, for the partition window ``[start, end)`` or the whole table."""
    if window is None:
        sql, params = render_sql(_ROWS, columns=suite.columns, table=suite.table), {}
    else:
        sql = render_sql(
            _PARTITION_ROWS, columns=suite.columns, table=suite.table, column=suite.partition_column
        )
        params = {"start": window[0], "end": window[1]}
    # coerce_float: numeric(12, 2) arrives as Decimal, which GX compares as objects
    return pd.read_sql_query(text(sql), conn, params=params, coerce_float=True)


def run_suite(
    conn: Connection,
    suite: TableSuite,
    window: tuple[dt.date, dt.date] | None,
    today: dt.date,
) -> dg.AssetCheckResult:
    """Validate the suite's rows (and weekly volume); the result lists every failing expectation."""
    started = time.perf_counter()
    frame = read_rows(conn, suite, window)
    outcomes = validate_frame(frame, suite.expectations, suite.name)
    metadata: dict[str, object] = {}
    if suite.volume is not None:
        until = window[1] if window else today
        volume = weekly_volume(conn, suite.table, suite.volume, until)
        outcomes += validate_frame(volume.frame, [volume.expectation(suite.volume)], f"{suite.name}_volume")
        metadata["weekly_volume"] = dg.MetadataValue.json(volume.as_metadata())
    metadata.update(outcome_metadata(outcomes, len(frame)))
    if window is not None:
        metadata["partition_window"] = f"{window[0].isoformat()} .. {window[1].isoformat()}"
    metadata["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return dg.AssetCheckResult(
        passed=all(o.success for o in outcomes),
        severity=dg.AssetCheckSeverity.ERROR if suite.blocking else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
    )


def build_gx_check(
    suite: TableSuite, partitions: dg.TimeWindowPartitionsDefinition
) -> dg.AssetChecksDefinition:
    partitioned = suite.partition_column is not None

    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        window = None
        if partitioned:
            span = context.partition_time_window
            window = (span.start.date(), span.end.date())
        with warehouse.connect() as conn:
            return run_suite(conn, suite, window, dt.datetime.now(dt.UTC).date())

    with warnings.catch_warnings():
        # partitioned checks are "preview" in Dagster 1.13, and the one way to check exactly the partitions
        # a run wrote: said once here rather than on every definitions load
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return dg.asset_check(
            asset=suite.asset,
            name=suite.name,
            description=suite.description,
            blocking=suite.blocking,
            partitions_def=partitions if partitioned else None,
        )(_check)


def build_gx_checks(
    partitions: dg.TimeWindowPartitionsDefinition, suites: Sequence[TableSuite]
) -> list[dg.AssetChecksDefinition]:
    return [build_gx_check(suite, partitions) for suite in suites]
