"""Unpartitioned Jira snapshots: the people (users, with the field list and statuses the issue parser reads)
and the sprints (boards and their sprints). Raw is replaced per site, then every snapshot is re-staged."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.jira.asset_settings import SETTINGS
from dexxy_assets.jira.configured import skip_reason
from dexxy_assets.jira.parser_version import JIRA_PARSER_VERSION
from dexxy_assets.jira.staging_step import stage_jira_snapshots
from dexxy_assets.landing import SnapshotTarget, land_snapshot
from resources.bulk_load import Jsonb
from resources.jira import JiraResource
from resources.jira_client import API, JiraClient

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


def _target(table: str, id_column: str) -> SnapshotTarget:
    board = ("board_id",) if table == "raw.jira_sprints" else ()
    return SnapshotTarget(
        raw_table=table, scope_column="site", raw_columns=("site", *board, id_column, "fetched_at", "payload")
    )


def land(conn: Connection, site: str, landing: Landing, fetched_at: dt.datetime) -> int:
    """Replace the site's rows of each raw table; return how many rows were landed."""
    total = 0
    for table, (id_column, items) in landing.items():
        if table == "raw.jira_sprints":
            rows = [
                {"site": site, "board_id": board_id, "sprint_id": s.get("id"), "fetched_at": fetched_at,
                 "payload": Jsonb(s)}
                for board_id, s in items
            ]  # fmt: skip
        else:
            rows = [
                {"site": site, id_column: item_id, "fetched_at": fetched_at, "payload": Jsonb(item)}
                for item_id, item in items
            ]
        total += land_snapshot(conn, _target(table, id_column), [site], rows)
    return total


def _snapshot(
    key: dg.AssetKey,
    description: str,
    staging_table: str,
    fetch: Callable[[JiraClient, tuple[str, ...]], Landing],
    also_publishes: tuple[str, ...] = (),
) -> dg.AssetsDefinition:
    def load(run: ingest.IngestionRun) -> ingest.LandingStep:
        jira: JiraResource = run.api
        scope = jira.scope()
        with jira.client(run.warehouse.engine()) as client:
            landing = fetch(client, scope.projects)
        site = jira.resolved_base_url() or ""

        def land_and_stage(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
            rows = land(conn, site, landing, dt.datetime.now(dt.UTC))
            problems = stage_jira_snapshots(conn, JIRA_PARSER_VERSION)
            counts = {table.removeprefix("raw.jira_"): len(items) for table, (_, items) in landing.items()}
            run_wide = {"projects": ", ".join(scope.projects), **counts}
            return {key: ingest.Landed(rows=rows, problems=problems, usage=client.usage, run_wide=run_wide)}

        return land_and_stage

    return ingest.build_ingestion_asset(
        ingest.IngestionSpec(
            name="__".join(key.path),
            entities=(ingest.Entity(key, description, staging_table, also_publishes),),
            settings=SETTINGS,
            load=load,
            api_resource="jira",
            skip_reason=skip_reason,
        )
    )


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
