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
from collections.abc import Sequence

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.jira import asset_settings, sync_state
from dexxy_assets.jira.asset_settings import SETTINGS
from dexxy_assets.jira.configured import skip_reason
from dexxy_assets.jira.issue_fetch import CHILDREN, FetchedWindow, Narrowing, fetch_window
from dexxy_assets.jira.parser_version import JIRA_PARSER_VERSION
from dexxy_assets.jira.pr_keys import derive_pr_jira_keys
from dexxy_assets.jira.staging_step import stage_jira_partitions
from dexxy_assets.landing import land_partitions
from dexxy_assets.staging_asset import build_staging_asset
from resources.bulk_load import Jsonb
from resources.jira import JiraResource
from resources.sql_template import render_sql

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
        land_partitions(conn, table, days, columns, rows)
        landed[table] = len(fetched.rows[table])
    return landed


def build_issue_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    fetching = ingest.build_ingestion_asset(
        ingest.IngestionSpec(
            name="jira_issues",
            entities=tuple(
                ingest.Entity(key, description, table) for key, (table, description) in RAW_ENTITIES.items()
            ),
            settings=SETTINGS,
            load=_load,
            api_resource="jira",
            partitions=partitions,
            skip_reason=skip_reason,
        )
    )
    staged = build_staging_asset(
        SETTINGS,
        partitions,
        key=STAGED_KEY,
        tables=[
            "staging.jira_issues",
            "staging.jira_issue_changes",
            "staging.jira_comments",
            "staging.jira_worklogs",
            "staging.jira_sprint_issues",
            "processing.pr_jira_keys",
        ],
        # pr_jira_keys reads the staged pull requests of the same days (by key: no import of GitHub's code)
        deps=[*RAW_ENTITIES, dg.AssetKey(["github", "pull_requests_staged"])],
        description="Jira issues, changelog, comments, worklogs and sprint membership parsed from raw into "
        "staging (newest version of each issue wins), and the pull requests' Jira keys re-derived. Its code "
        "version is the parsers': a parser change re-stages from raw with zero Jira calls.",
        parser_version=JIRA_PARSER_VERSION,
        stage=_stage,
    )
    return [fetching, staged]


def _load(run: ingest.IngestionRun) -> ingest.LandingStep:
    jira: JiraResource = run.api
    scope = jira.scope()
    narrowing = narrowing_from_tags(run.context.run.tags)
    site = jira.resolved_base_url() or ""
    with jira.client(run.warehouse.engine()) as client:
        fetched = fetch_window(
            client, scope, narrowing, run.window.start, run.window.end, site, dt.datetime.now(dt.UTC)
        )
    usage = client.usage
    days = run.days
    run.log.info(
        f"{sum(fetched.per_day.values())} Jira issues updated in {days[0]}..{days[-1]} "
        f"({usage.requests} requests, {fetched.truncated_lists} truncated lists completed)"
    )

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        landed = land_window(conn, fetched, days, narrowing)
        out = {
            key: ingest.Landed(
                rows=landed[table],
                per_day=Counter(row["partition_date"] for row in fetched.rows.get(table, [])),
            )
            for key, (table, _) in RAW_ENTITIES.items()
        }
        out[ISSUES_KEY].problems = fetched.problems
        out[ISSUES_KEY].usage = usage
        out[ISSUES_KEY].run_wide = {
            "projects": narrowing.project or ", ".join(scope.projects),
            "tracked_users": len((narrowing.user,) if narrowing.user else scope.tracked_users),
            "truncated_lists_completed": fetched.truncated_lists,
        }
        return out

    return land


def _stage(conn: Connection, days: list[dt.date], context: dg.AssetExecutionContext) -> ingest.Landed:
    result = stage_jira_partitions(conn, days, JIRA_PARSER_VERSION)
    pr_keys = derive_pr_jira_keys(conn, days)
    sync_state.record_progress(conn, context.run.tags, days[-1])
    return ingest.Landed(
        rows=result.issues,
        per_day=result.issues_per_day,
        problems=result.problems,
        run_wide={
            "changes": result.changes,
            "comments": result.comments,
            "worklogs": result.worklogs,
            "skipped_older_versions": result.skipped_older,
            "pr_jira_keys": pr_keys,
        },
    )
