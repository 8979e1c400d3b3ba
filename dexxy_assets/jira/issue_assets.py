"""The daily Jira assets. ``jira/issues`` (with ``jira/issue_changelog``, ``jira/comments``,
``jira/worklogs``) fetches a run window once and lands raw per UTC day; ``jira/issues_staged`` parses those
raw days into staging (and re-derives the pull requests' Jira keys).

Why two steps: staging is derived from raw, and its code version is the parsers' (JIRA_PARSER_VERSION). A
parser change marks ``jira/issues_staged`` partitions stale, and the stale-code-version sensor re-runs only
that asset, which holds no Jira resource: re-staging cannot call the API. The fetching asset has no code
version tied to the parsers, so a parser change never re-fetches.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import asset_metadata
from dexxy_assets.automation import after_upstream_partitions
from dexxy_assets.ingestion_report import ingestion_metadata, record_ingestion, report_materialization
from dexxy_assets.jira import asset_settings, sync_state
from dexxy_assets.jira.configured import SKIPPED, jira_configured
from dexxy_assets.jira.issue_fetch import CHILDREN, FetchedWindow, Narrowing, fetch_window
from dexxy_assets.jira.parser_version import JIRA_PARSER_VERSION
from dexxy_assets.jira.pr_keys import derive_pr_jira_keys
from dexxy_assets.jira.staging_step import stage_jira_partitions
from dexxy_assets.partitions import partition_dates
from dexxy_assets.problems import ProblemLog
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import Jsonb, replace_partitions
from resources.jira import JiraResource
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource

ISSUES_KEY = dg.AssetKey(["jira", "issues"])
CHANGELOG_KEY = dg.AssetKey(["jira", "issue_changelog"])
COMMENTS_KEY = dg.AssetKey(["jira", "comments"])
WORKLOGS_KEY = dg.AssetKey(["jira", "worklogs"])
STAGED_KEY = dg.AssetKey(["jira", "issues_staged"])
# asset key -> (raw table, description)
RAW_ENTITIES = {
    ISSUES_KEY: ("raw.jira_issues", "Jira issues updated each UTC day in JIRA_PROJECTS (raw search results "
                 "with their embedded changelog, comments and worklogs)."),
    CHANGELOG_KEY: ("raw.jira_changelogs", "The rest of each truncated issue changelog (bulk changelog "
                    "endpoint), in its issue's partition."),
    COMMENTS_KEY: ("raw.jira_comments", "The rest of each truncated comment list, in its issue's partition."),
    WORKLOGS_KEY: ("raw.jira_worklogs", "The rest of each truncated worklog list, in its issue's partition."),
}  # fmt: skip
_LANDED = ["partition_date", "fetched_at", "payload"]
RAW_COLUMNS = {
    "raw.jira_issues": ["site", "issue_id", "issue_key", "project_key", *_LANDED],
    **{table: ["site", "issue_id", column, *_LANDED] for table, (column, _, _) in CHILDREN.items()},
}
_KEPT = """
SELECT {{ columns | ident_list }} FROM {{ table | ident }}
WHERE partition_date = ANY(:days)
  AND NOT (issue_id = ANY(:ids){% if by_project %} OR project_key = :project{% endif %})
ORDER BY partition_date, partition_row
"""
_PROJECT_IDS = text(
    "SELECT issue_id FROM raw.jira_issues WHERE partition_date = ANY(:days) AND project_key = :project "
    "AND issue_id IS NOT NULL"
)


def narrowing_from_tags(tags: dict[str, str]) -> Narrowing:
    return Narrowing(tags.get(asset_settings.PROJECT_TAG), tags.get(asset_settings.USER_TAG))


def land_window(
    conn: Connection, fetched: FetchedWindow, days: Sequence[dt.date], narrowing: Narrowing
) -> dict[str, int]:
    """Replace the days' raw rows. A narrowed run replaces only what it covers (its issues, and every issue
    of its project) and keeps the rest of each day as it was."""
    ids = [r["issue_id"] for r in fetched.rows["raw.jira_issues"] if r["issue_id"] is not None]
    if narrowing.project:
        params = {"days": list(days), "project": narrowing.project}
        ids += [row[0] for row in conn.execute(_PROJECT_IDS, params)]
    landed = {}
    for table, columns in RAW_COLUMNS.items():
        rows = list(fetched.rows[table])
        if narrowing.project or narrowing.user:
            sql = render_sql(_KEPT, table=table, columns=columns, by_project=table == "raw.jira_issues")
            params = {"days": list(days), "ids": ids, "project": narrowing.project or ""}
            kept = [dict(r._mapping) for r in conn.execute(text(sql), params)]
            rows = [{**r, "payload": Jsonb(r["payload"])} for r in kept] + rows
        replace_partitions(conn, table, "partition_date", days, columns, rows)
        landed[table] = len(fetched.rows[table])
    return landed


def _spec(key: dg.AssetKey, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=key,
        description=description,
        **asset_settings.DECLARED,
        automation_condition=asset_settings.DAILY_AT_0300,
    )


def build_issue_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    @dg.multi_asset(
        name="jira_issues",
        specs=[_spec(key, description) for key, (_, description) in RAW_ENTITIES.items()],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=asset_settings.POOL,
        can_subset=False,
    )
    def jira_issues(
        context: dg.AssetExecutionContext, jira: JiraResource, warehouse: WarehouseResource
    ) -> Iterator[dg.MaterializeResult]:
        if not jira_configured(jira):
            context.log.warning(SKIPPED)
            skipped = {"status": SKIPPED, "dagster/row_count": 0}
            for key in RAW_ENTITIES:
                yield dg.MaterializeResult(asset_key=key, metadata=skipped)
            return
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        window = context.partition_time_window
        scope = jira.scope()
        narrowing = narrowing_from_tags(context.run.tags)
        site = jira.resolved_base_url() or ""
        with jira.client(warehouse.engine()) as client:
            fetched = fetch_window(
                client, scope, narrowing, window.start, window.end, site, dt.datetime.now(dt.UTC)
            )
            usage = client.usage
        context.log.info(
            f"{sum(fetched.per_day.values())} Jira issues updated in {days[0]}..{days[-1]} "
            f"({usage.requests} requests, {fetched.truncated_lists} truncated lists completed)"
        )
        with warehouse.begin() as conn:
            landed = land_window(conn, fetched, days, narrowing)
            schemas = {}
            for key, (table, _) in RAW_ENTITIES.items():
                record_ingestion(
                    conn,
                    run_id=context.run.run_id,
                    asset_key=key,
                    partitions=days,
                    started_at=started_at,
                    rows=landed[table],
                    problems=fetched.problems if key == ISSUES_KEY else ProblemLog(),
                    usage=usage if key == ISSUES_KEY else None,
                )
                schemas[key] = asset_metadata.table_schema(conn, table)
        for key, (table, _) in RAW_ENTITIES.items():
            extra: dict[str, Any] = {}
            if key == ISSUES_KEY:
                extra = {
                    "projects": narrowing.project or ", ".join(scope.projects),
                    "tracked_users": len((narrowing.user,) if narrowing.user else scope.tracked_users),
                    "truncated_lists_completed": fetched.truncated_lists,
                }
            yield report_materialization(
                context,
                key,
                rows_per_day=Counter(row["partition_date"] for row in fetched.rows.get(table, [])),
                total_rows=landed[table],
                problems=fetched.problems if key == ISSUES_KEY else ProblemLog(),
                run_wide=ingestion_metadata(
                    schema=schemas[key], usage=usage if key == ISSUES_KEY else None, **extra
                ),
            )

    @dg.asset(
        key=STAGED_KEY,
        metadata=publishes(
            "staging.jira_issues",
            "staging.jira_issue_changes",
            "staging.jira_comments",
            "staging.jira_worklogs",
            "staging.jira_sprint_issues",
            "processing.pr_jira_keys",
        ),
        description="Jira issues, changelog, comments, worklogs and sprint membership parsed from raw into "
        "staging (newest version of each issue wins), and the pull requests' Jira keys re-derived. Its code "
        "version is the parsers': a parser change re-stages from raw with zero Jira calls.",
        **asset_settings.DECLARED,
        # pr_jira_keys reads the staged pull requests of the same days (by key: no import of GitHub's code)
        deps=[*RAW_ENTITIES, dg.AssetKey(["github", "pull_requests_staged"])],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        code_version=JIRA_PARSER_VERSION,
        automation_condition=after_upstream_partitions(),
    )
    def jira_issues_staged(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        with warehouse.begin() as conn:
            result = stage_jira_partitions(conn, days, JIRA_PARSER_VERSION)
            pr_keys = derive_pr_jira_keys(conn, days)
            record_ingestion(
                conn,
                run_id=context.run.run_id,
                asset_key=STAGED_KEY,
                partitions=days,
                started_at=started_at,
                rows=result.issues,
                problems=result.problems,
                usage=None,
            )
            sync_state.record_progress(conn, context.run.tags, days[-1])
            schema = asset_metadata.table_schema(conn, "staging.jira_issues")
        return report_materialization(
            context,
            STAGED_KEY,
            rows_per_day=result.issues_per_day,
            total_rows=result.issues,
            problems=result.problems,
            run_wide=ingestion_metadata(
                schema=schema,
                usage=None,
                changes=result.changes,
                comments=result.comments,
                worklogs=result.worklogs,
                skipped_older_versions=result.skipped_older,
                pr_jira_keys=pr_keys,
                parser_version=JIRA_PARSER_VERSION,
            ),
        )

    return [jira_issues, jira_issues_staged]
