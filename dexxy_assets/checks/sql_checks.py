"""Asset checks written as one SQL query that counts offending rows: zero passes."""

from dataclasses import dataclass

import dagster as dg
from sqlalchemy import text

from resources.warehouse import WarehouseResource


@dataclass(frozen=True)
class SqlCheck:
    asset: dg.AssetKey
    name: str
    description: str
    offending_rows_sql: str  # SELECT count(*) …; binds :asset_key
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR


def build_sql_check(check: SqlCheck) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=check.asset, name=check.name, description=check.description, blocking=False)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as conn:
            offending = conn.execute(
                text(check.offending_rows_sql), {"asset_key": check.asset.to_user_string()}
            ).scalar_one()
        return dg.AssetCheckResult(
            passed=offending == 0,
            severity=check.severity,
            metadata={"offending_rows": int(offending)},
        )

    return _check


INGEST_PROBLEMS_SQL = (
    "SELECT coalesce(sum(occurrences), 0) FROM ops.ingest_problems WHERE asset_key = :asset_key"
)


def ingest_problems_check(asset: dg.AssetKey) -> SqlCheck:
    """Bad input never fails a run; this check makes it visible (WARN) with the count."""
    return SqlCheck(
        asset=asset,
        name="no_ingest_problems",
        description="Every fetched record parsed cleanly (problems are counted in ops.ingest_problems).",
        offending_rows_sql=INGEST_PROBLEMS_SQL,
        severity=dg.AssetCheckSeverity.WARN,
    )
