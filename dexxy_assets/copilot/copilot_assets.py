"""GitHub Copilot: seats (snapshot) and the daily usage reports (organization and per user).

Copilot is optional (copilot_access.py): for an org without it, these assets write nothing, keep what was
loaded before, and say why in their metadata, ops.sync_log and the `copilot_available` WARN check."""

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import asset_metadata
from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.copilot import copilot_access, staging_rows
from dexxy_assets.copilot.asset_settings import SETTINGS
from dexxy_assets.copilot.copilot_access import CopilotAvailability, unavailable_reason
from dexxy_assets.copilot.report_fetch import DayReport, fetch_org_reports
from dexxy_assets.landing import SnapshotTarget, land_partitions, land_snapshot
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb, upsert
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.github_errors import GitHubError
from resources.github_names import api_path
from resources.sql_template import render_sql

SEATS_KEY = dg.AssetKey(["copilot", "seats"])
ORG_USAGE_KEY = dg.AssetKey(["copilot", "usage_org_daily"])
USER_USAGE_KEY = dg.AssetKey(["copilot", "usage_user_daily"])

_DELETE_STAGED_DAYS = "DELETE FROM {{ table | ident }} WHERE org = ANY(:orgs) AND day = ANY(:days)"


SEATS = SnapshotTarget(
    raw_table="raw.copilot_seats",
    scope_column="org",
    raw_columns=("org", "user_id", "login", "fetched_at", "payload"),
    staging_table="staging.copilot_seats",
    staging_key=("org", "login"),
    retire_flag="is_current",
)


def _load_seats(run: ingest.IngestionRun) -> ingest.LandingStep:
    github: GitHubResource = run.api
    availability = CopilotAvailability()
    in_scope = list(github.scope().orgs)
    with github.client() as client:
        seats = _fetch_seats(client, in_scope, availability, run.log)
    orgs = availability.answered(in_scope)  # an org without Copilot keeps its old rows
    fetched_at = dt.datetime.now(dt.UTC)
    problems = ProblemLog()
    rows = [r for org, seat in seats if (r := staging_rows.seat_row(seat, org, fetched_at, problems))]
    raw_rows = [
        {"org": org, **_assignee(seat), "fetched_at": fetched_at, "payload": Jsonb(seat)}
        for org, seat in seats
    ]
    columns = ["login", "plan_type", "last_activity_at", "last_activity_editor"]

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        land_snapshot(conn, SEATS, orgs, raw_rows, rows)
        return {
            SEATS_KEY: ingest.Landed(
                rows=len(seats),
                problems=problems,
                usage=client.usage,
                run_wide={"preview": asset_metadata.preview(rows, columns), **availability.metadata()},
                status=availability.sync_status,
                detail=availability.sync_detail(),
                note=availability.reason() or None,
                check_results=[availability.check_result()],
            )
        }

    return land


def _assignee(seat: Any) -> dict[str, Any]:
    assignee = (seat.get("assignee") or {}) if isinstance(seat, dict) else {}
    return {"user_id": assignee.get("id"), "login": assignee.get("login")}


copilot_seats = ingest.build_ingestion_asset(
    ingest.IngestionSpec(
        name="copilot__seats",
        entities=(
            ingest.Entity(
                SEATS_KEY,
                "Copilot seats of the synced organisations (snapshot); seats no longer listed stay in "
                "staging with is_current = false.",
                "staging.copilot_seats",
            ),
        ),
        settings=SETTINGS,
        load=_load_seats,
        api_resource="github",
        check_specs=(copilot_access.check_spec(SEATS_KEY),),
    )
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


@dataclass(frozen=True)
class UsageReport:
    """One of the two daily report kinds: they differ only in the endpoint and the row they make."""

    key: dg.AssetKey
    kind: str
    staging_table: str
    staging_key: tuple[str, ...]
    parse: Callable[[Any, str, dt.date, dt.datetime, ProblemLog], dict | None]
    description: str


def _usage_report_load(report: UsageReport) -> Callable[[ingest.IngestionRun], ingest.LandingStep]:
    def load(run: ingest.IngestionRun) -> ingest.LandingStep:
        github: GitHubResource = run.api
        problems = ProblemLog()
        availability = CopilotAvailability()
        reports: list[tuple[str, DayReport]] = []
        in_scope = list(github.scope().orgs)
        with github.client() as client:
            for org in in_scope:
                org_reports, reason = fetch_org_reports(client, org, report.kind, run.days)
                reports += [(org, day_report) for day_report in org_reports]
                if reason is not None:
                    availability.add(org, reason, run.log)
        orgs = availability.answered(in_scope)  # an org without Copilot keeps its old rows
        fetched_at = dt.datetime.now(dt.UTC)
        raw_rows, staged = [], []
        for org, day_report in reports:
            for number, line in enumerate(day_report.lines, start=1):
                raw_rows.append(
                    {
                        "partition_date": day_report.day,
                        "org": org,
                        "report_kind": report.kind,
                        "line_number": number,
                        "fetched_at": fetched_at,
                        "payload": Jsonb(line),
                    }
                )
                if row := report.parse(line, org, day_report.day, fetched_at, problems):
                    staged.append(row)
        # each day's reason (it names the day) is on that day's materialization; the run counts the days per
        # org, bounded by the orgs: a two-year run would otherwise carry every missing day once more (62 KB)
        missing = Counter(org for org, r in reports if r.missing_reason)
        if missing:  # one line, not one event per day
            run.log.info(
                f"no Copilot {report.kind} report for {missing.total()} org-days (see missing_reason)"
            )

        def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
            land_partitions(
                conn,
                "raw.copilot_usage_reports",
                run.days,
                ["partition_date", "org", "report_kind", "line_number", "fetched_at", "payload"],
                raw_rows,
                within={"report_kind": [report.kind], "org": orgs},
                number_rows=False,  # keyed by line_number
            )
            conn.execute(
                text(render_sql(_DELETE_STAGED_DAYS, table=report.staging_table)),
                {"orgs": orgs, "days": run.days},
            )
            if staged:
                upsert(conn, report.staging_table, list(staged[0]), staged, report.staging_key)
            return {
                report.key: ingest.Landed(
                    rows=len(raw_rows),
                    per_day=Counter(row["partition_date"] for row in raw_rows),
                    problems=problems,
                    usage=client.usage,
                    per_day_extra=_missing_reasons_per_day(reports),
                    run_wide={
                        "staged_rows": len(staged),
                        "days_without_report": missing.total(),
                        "missing_days_by_org": dg.MetadataValue.json(dict(missing)),
                        **availability.metadata(),
                    },
                    status=availability.sync_status,
                    detail=availability.sync_detail(),
                    note=availability.reason() or None,
                    check_results=[availability.check_result()],
                )
            }

        return land

    return load


def build_usage_report_asset(report: UsageReport, partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return ingest.build_ingestion_asset(
        ingest.IngestionSpec(
            name="__".join(report.key.path),
            entities=(ingest.Entity(report.key, report.description, report.staging_table),),
            settings=SETTINGS,
            load=_usage_report_load(report),
            api_resource="github",
            partitions=partitions,
            deps=(SEATS_KEY,),
            check_specs=(copilot_access.check_spec(report.key),),
        )
    )


ORG_USAGE = UsageReport(
    ORG_USAGE_KEY,
    "organization-1-day",
    "staging.copilot_usage_org_daily",
    ("org", "day"),
    staging_rows.org_day_row,
    "Copilot usage per organisation and day (the organization-1-day usage-metrics report).",
)
USER_USAGE = UsageReport(
    USER_USAGE_KEY,
    "users-1-day",
    "staging.copilot_usage_user_daily",
    ("org", "day", "user_login"),
    staging_rows.user_day_row,
    "Copilot usage per person and day (the users-1-day usage-metrics report).",
)


def build_copilot_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    return [copilot_seats, *(build_usage_report_asset(r, partitions) for r in (ORG_USAGE, USER_USAGE))]
