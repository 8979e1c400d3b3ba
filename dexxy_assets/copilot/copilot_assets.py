"""GitHub Copilot: seats (snapshot) and the daily usage reports (organization and per user).

Copilot is optional (copilot_access.py): for an org without it, these assets write nothing, keep what was
loaded before, and say why in their metadata, ops.sync_log and the `copilot_available` WARN check."""

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import dagster as dg
from sqlalchemy import text

from dexxy_assets import asset_metadata
from dexxy_assets.copilot import copilot_access, staging_rows
from dexxy_assets.copilot.copilot_access import CopilotAvailability, unavailable_reason
from dexxy_assets.copilot.report_fetch import DayReport, fetch_org_reports
from dexxy_assets.github.asset_settings import DAILY_AT_0200, OWNERS, POOL
from dexxy_assets.ingestion_report import (
    ingestion_metadata,
    record_ingestion,
    report_materialization,
    snapshot_report,
)
from dexxy_assets.partitions import partition_dates
from dexxy_assets.problems import ProblemLog
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import Jsonb, copy_rows, lock_partitions, replace_partitions, upsert
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.github_errors import GitHubError
from resources.github_names import api_path
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource

SEATS_KEY = dg.AssetKey(["copilot", "seats"])
ORG_USAGE_KEY = dg.AssetKey(["copilot", "usage_org_daily"])
USER_USAGE_KEY = dg.AssetKey(["copilot", "usage_user_daily"])
KINDS = {"github", "postgres"}

_DELETE_STAGED_DAYS = "DELETE FROM {{ table | ident }} WHERE org = ANY(:orgs) AND day = ANY(:days)"
_DELETE_REPORT_DAYS = text(
    "DELETE FROM raw.copilot_usage_reports WHERE report_kind = :kind AND org = ANY(:orgs) "
    "AND partition_date = ANY(:days)"
)


@dg.asset(
    key=SEATS_KEY,
    description="Copilot seats of the synced organisations (snapshot); seats no longer listed stay in "
    "staging with is_current = false.",
    metadata=publishes("staging.copilot_seats"),
    group_name="copilot",
    owners=OWNERS,
    kinds=KINDS,
    pool=POOL,
    automation_condition=DAILY_AT_0200,
    check_specs=[copilot_access.check_spec(SEATS_KEY)],
)
def copilot_seats(
    context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    started_at = dt.datetime.now(dt.UTC)
    problems = ProblemLog()
    availability = CopilotAvailability()
    in_scope = list(github.scope().orgs)
    with github.client() as client:
        seats = _fetch_seats(client, in_scope, availability, context.log)
        usage = client.usage
    orgs = availability.answered(in_scope)  # an org without Copilot keeps its old rows
    fetched_at = dt.datetime.now(dt.UTC)
    rows = [r for org, seat in seats if (r := staging_rows.seat_row(seat, org, fetched_at, problems))]
    with warehouse.begin() as conn:
        replace_partitions(
            conn,
            "raw.copilot_seats",
            "org",
            orgs,
            ["org", "user_id", "login", "fetched_at", "payload"],
            (
                {
                    "org": org,
                    "user_id": (seat.get("assignee") or {}).get("id") if isinstance(seat, dict) else None,
                    "login": (seat.get("assignee") or {}).get("login") if isinstance(seat, dict) else None,
                    "fetched_at": fetched_at,
                    "payload": Jsonb(seat),
                }
                for org, seat in seats
            ),
        )
        conn.execute(
            text("UPDATE staging.copilot_seats SET is_current = false WHERE org = ANY(:orgs)"), {"orgs": orgs}
        )
        if rows:
            upsert(conn, "staging.copilot_seats", list(rows[0]), rows, ["org", "login"])
        record_ingestion(
            conn,
            run_id=context.run.run_id,
            asset_key=SEATS_KEY,
            partitions=[],
            started_at=started_at,
            rows=len(seats),
            problems=problems,
            usage=usage,
            status=availability.sync_status,
            detail=availability.sync_detail(),
        )
        schema = asset_metadata.table_schema(conn, "staging.copilot_seats")
    columns = ["login", "plan_type", "last_activity_at", "last_activity_editor"]
    return snapshot_report(
        SEATS_KEY,
        rows=len(seats),
        problems=problems,
        schema=schema,
        usage=usage,
        preview=asset_metadata.preview(rows, columns),
        check_results=[availability.check_result()],
        **availability.metadata(),
    )


def _fetch_seats(
    client: GitHubClient, orgs: list[str], availability: CopilotAvailability, log: Any
) -> list[tuple[str, Any]]:
    """Every org's seats; an org whose Copilot endpoints answer "not here" adds none and its reason."""
    seats: list[tuple[str, Any]] = []
    for org in orgs:
        try:
            path = api_path("orgs", org, "copilot", "billing", "seats")
            seats += [(org, seat) for seat in client.paginate(path, items_key="seats")]
        except GitHubError as exc:
            reason = unavailable_reason(org, exc)
            if reason is None:
                raise
            availability.add(org, reason, log)
    return seats


def _missing_reasons_per_day(reports: Sequence[tuple[str, DayReport]]) -> dict[dt.date, dict[str, str]]:
    """Each day without a report gets its reason on that day's materialization."""
    reasons: dict[dt.date, list[str]] = {}
    for org, report in reports:
        if report.missing_reason:
            reasons.setdefault(report.day, []).append(f"{org}: {report.missing_reason}")
    return {day: {"missing_reason": "; ".join(found)} for day, found in reasons.items()}


def build_usage_report_asset(
    key: dg.AssetKey,
    kind: str,
    staging_table: str,
    staging_key: list[str],
    parse: Callable[[Any, str, dt.date, dt.datetime, ProblemLog], dict | None],
    description: str,
    partitions: dg.PartitionsDefinition,
) -> dg.AssetsDefinition:
    """One factory for both report kinds: they differ only in the endpoint and the row they make."""

    @dg.asset(
        key=key,
        description=description,
        metadata=publishes(staging_table),
        group_name="copilot",
        owners=OWNERS,
        kinds=KINDS,
        deps=[SEATS_KEY],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=POOL,
        automation_condition=DAILY_AT_0200,
        check_specs=[copilot_access.check_spec(key)],
    )
    def usage_report(
        context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        problems = ProblemLog()
        availability = CopilotAvailability()
        reports: list[tuple[str, DayReport]] = []
        in_scope = list(github.scope().orgs)
        with github.client() as client:
            for org in in_scope:
                org_reports, reason = fetch_org_reports(client, org, kind, days)
                reports += [(org, report) for report in org_reports]
                if reason is not None:
                    availability.add(org, reason, context.log)
            usage = client.usage
        orgs = availability.answered(in_scope)  # an org without Copilot keeps its old rows
        fetched_at = dt.datetime.now(dt.UTC)
        raw_rows, staged = [], []
        for org, report in reports:
            for number, line in enumerate(report.lines, start=1):
                raw_rows.append(
                    {
                        "partition_date": report.day,
                        "org": org,
                        "report_kind": kind,
                        "line_number": number,
                        "fetched_at": fetched_at,
                        "payload": Jsonb(line),
                    }
                )
                if row := parse(line, org, report.day, fetched_at, problems):
                    staged.append(row)
        with warehouse.begin() as conn:
            lock_partitions(conn, "raw.copilot_usage_reports", [(kind, org, d) for org in orgs for d in days])
            conn.execute(_DELETE_REPORT_DAYS, {"kind": kind, "orgs": orgs, "days": days})
            copy_rows(
                conn,
                "raw.copilot_usage_reports",
                ["partition_date", "org", "report_kind", "line_number", "fetched_at", "payload"],
                raw_rows,
            )
            conn.execute(
                text(render_sql(_DELETE_STAGED_DAYS, table=staging_table)), {"orgs": orgs, "days": days}
            )
            if staged:
                upsert(conn, staging_table, list(staged[0]), staged, staging_key)
            record_ingestion(
                conn,
                run_id=context.run.run_id,
                asset_key=key,
                partitions=days,
                started_at=started_at,
                rows=len(raw_rows),
                problems=problems,
                usage=usage,
                status=availability.sync_status,
                detail=availability.sync_detail(),
            )
            schema = asset_metadata.table_schema(conn, staging_table)
        missing = {f"{org} {r.day}": r.missing_reason for org, r in reports if r.missing_reason}
        if missing:  # one line, not one event per day: each day's reason is on its materialization
            context.log.info(f"no Copilot {kind} report for {len(missing)} org-days (see missing_days)")
        return report_materialization(
            context,
            key,
            rows_per_day=Counter(row["partition_date"] for row in raw_rows),
            problems=problems,
            per_day=_missing_reasons_per_day(reports),
            run_wide=ingestion_metadata(
                schema=schema,
                usage=usage,
                staged_rows=len(staged),
                days_without_report=len(missing),
                missing_days=dg.MetadataValue.json(missing),
                **availability.metadata(),
            ),
            check_results=[availability.check_result()],
        )

    return usage_report


def build_copilot_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    return [
        copilot_seats,
        build_usage_report_asset(
            ORG_USAGE_KEY,
            "organization-1-day",
            "staging.copilot_usage_org_daily",
            ["org", "day"],
            staging_rows.org_day_row,
            "Copilot usage per organisation and day (the organization-1-day usage-metrics report).",
            partitions,
        ),
        build_usage_report_asset(
            USER_USAGE_KEY,
            "users-1-day",
            "staging.copilot_usage_user_daily",
            ["org", "day", "user_login"],
            staging_rows.user_day_row,
            "Copilot usage per person and day (the users-1-day usage-metrics report).",
            partitions,
        ),
    ]
