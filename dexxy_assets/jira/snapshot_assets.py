"""Unpartitioned Jira snapshots: the people (users, with the field list and statuses the issue parser reads)
and the sprints (boards and their sprints). Raw is replaced per site, then every snapshot is re-staged."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import dagster as dg

from dexxy_assets import asset_metadata
from dexxy_assets.ingestion_report import record_ingestion, snapshot_report
from dexxy_assets.jira import asset_settings
from dexxy_assets.jira.configured import SKIPPED, jira_configured
from dexxy_assets.jira.parser_version import JIRA_PARSER_VERSION
from dexxy_assets.jira.staging_step import stage_jira_snapshots
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import Jsonb, replace_partitions
from resources.jira import JiraResource
from resources.jira_client import API, JiraClient
from resources.warehouse import WarehouseResource

USERS_KEY = dg.AssetKey(["jira", "users"])
SPRINTS_KEY = dg.AssetKey(["jira", "sprints"])
Json = dict[str, Any]
# raw table -> (id column, rows fetched); the sprint table also carries board_id
Landing = dict[str, tuple[str, list[Json]]]


def fetch_people(client: JiraClient, projects: tuple[str, ...]) -> Landing:
    """Users, the field list (story points and sprint fields) and statuses with their categories."""
    del projects  # users, fields and statuses are site-wide
    fields = client.get(f"{API}/field")
    statuses = client.get(f"{API}/status")
    return {
        "raw.jira_users": ("account_id", [(u.get("accountId"), u) for u in client.users()]),
        "raw.jira_fields": ("field_id", [(f.get("id"), f) for f in fields if isinstance(f, dict)]),
        "raw.jira_statuses": ("status_id", [(s.get("id"), s) for s in statuses if isinstance(s, dict)]),
    }


def fetch_boards(client: JiraClient, projects: tuple[str, ...]) -> Landing:
    """The projects' boards and every sprint of their scrum boards (kanban boards have none)."""
    boards: dict[Any, Json] = {}
    for project in projects:
        for board in client.boards(project):
            boards.setdefault(board.get("id"), board)
    sprints = [
        (board_id, sprint)
        for board_id, board in boards.items()
        if board.get("type") == "scrum"
        for sprint in client.board_sprints(int(board_id))
    ]
    return {
        "raw.jira_boards": ("board_id", list(boards.items())),
        "raw.jira_sprints": ("sprint_id", sprints),
    }


def land(conn: Any, site: str, landing: Landing, fetched_at: dt.datetime) -> int:
    """Replace the site's rows of each raw table; return how many rows were landed."""
    total = 0
    for table, (id_column, items) in landing.items():
        if table == "raw.jira_sprints":
            columns = ["site", "board_id", "sprint_id", "fetched_at", "payload"]
            rows = [
                {"site": site, "board_id": board_id, "sprint_id": s.get("id"), "fetched_at": fetched_at,
                 "payload": Jsonb(s)}
                for board_id, s in items
            ]  # fmt: skip
        else:
            columns = ["site", id_column, "fetched_at", "payload"]
            rows = [
                {"site": site, id_column: item_id, "fetched_at": fetched_at, "payload": Jsonb(item)}
                for item_id, item in items
            ]
        total += replace_partitions(conn, table, "site", [site], columns, rows)
    return total


def _snapshot(
    key: dg.AssetKey,
    description: str,
    staging_table: str,
    fetch: Callable[[JiraClient, tuple[str, ...]], Landing],
    also_publishes: tuple[str, ...] = (),
) -> dg.AssetsDefinition:
    @dg.asset(
        key=key,
        description=description,
        metadata=publishes(staging_table, *also_publishes),
        **asset_settings.DECLARED,
        pool=asset_settings.POOL,
        automation_condition=asset_settings.DAILY_AT_0300,
    )
    def snapshot(
        context: dg.AssetExecutionContext, jira: JiraResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        if not jira_configured(jira):
            context.log.warning(SKIPPED)
            return dg.MaterializeResult(metadata={"status": SKIPPED, "dagster/row_count": 0})
        started_at = dt.datetime.now(dt.UTC)
        scope = jira.scope()
        with jira.client(warehouse.engine()) as client:
            landing = fetch(client, scope.projects)
            usage = client.usage
        site = jira.resolved_base_url() or ""
        with warehouse.begin() as conn:
            rows = land(conn, site, landing, dt.datetime.now(dt.UTC))
            problems = stage_jira_snapshots(conn, JIRA_PARSER_VERSION)
            record_ingestion(
                conn,
                run_id=context.run.run_id,
                asset_key=key,
                partitions=[],
                started_at=started_at,
                rows=rows,
                problems=problems,
                usage=usage,
            )
            schema = asset_metadata.table_schema(conn, staging_table)
        return snapshot_report(
            key,
            rows=rows,
            problems=problems,
            schema=schema,
            usage=usage,
            projects=", ".join(scope.projects),
            **{table.removeprefix("raw.jira_"): len(items) for table, (_, items) in landing.items()},
        )

    return snapshot


jira_users = _snapshot(
    USERS_KEY,
    "Jira users of the site (snapshot), with the field list (story points, sprints) and the statuses "
    "with their categories that the issue parser reads. People no longer listed stay, is_listed = false.",
    "staging.jira_users",
    fetch_people,
    also_publishes=("staging.jira_statuses",),
)
jira_sprints = _snapshot(
    SPRINTS_KEY,
    "Boards of the JIRA_PROJECTS and every sprint of their scrum boards (snapshot).",
    "staging.jira_sprints",
    fetch_boards,
)
