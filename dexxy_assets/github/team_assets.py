"""`github/teams`: the organisations' teams and members (snapshot), plus the optional teams file.

The asset only wires fetch (`team_fetch`), the file (`team_file`) and landing (`team_load`) together, so it
can move onto the ingestion-asset factory unchanged."""

import datetime as dt

import dagster as dg

from dexxy_assets import asset_metadata
from dexxy_assets.checks.sql_checks import build_sql_check, ingest_problems_check
from dexxy_assets.github import asset_settings
from dexxy_assets.github.snapshot_assets import MEMBERS_KEY
from dexxy_assets.github.team_fetch import fetch_teams
from dexxy_assets.github.team_file import configured_path, read_teams_file
from dexxy_assets.github.team_load import land_github_teams, land_teams_file
from dexxy_assets.ingestion_report import record_ingestion, snapshot_report
from dexxy_assets.problems import ProblemLog
from dexxy_assets.table_lineage import publishes
from resources.github import GitHubResource
from resources.http.etag_cache import EtagCache
from resources.warehouse import WarehouseResource

TEAMS_KEY = dg.AssetKey(["github", "teams"])


@dg.asset(
    key=TEAMS_KEY,
    description="GitHub organisation teams and their members (members of child teams included, as GitHub "
    "lists them), and the teams file (DEXXY_TEAMS_FILE) for people outside GitHub teams (snapshot).",
    metadata=publishes(
        "staging.github_teams",
        "staging.github_team_members",
        "staging.config_teams",
        "staging.config_team_members",
    ),
    deps=[MEMBERS_KEY],  # the teams file's logins are checked against the members sync
    group_name=asset_settings.GROUP,
    owners=asset_settings.OWNERS,
    kinds=asset_settings.KINDS,
    pool=asset_settings.POOL,
    automation_condition=asset_settings.DAILY_AT_0200,
)
def github_teams(
    context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    started_at = dt.datetime.now(dt.UTC)
    orgs = github.scope().orgs
    problems = ProblemLog()
    with github.client(EtagCache()) as client:
        fetched = fetch_teams(client, tuple(orgs), problems)
        usage = client.usage
    teams_file = read_teams_file(configured_path(), problems)
    fetched_at = dt.datetime.now(dt.UTC)
    with warehouse.begin() as conn:
        teams, members = land_github_teams(conn, sorted(orgs), fetched, fetched_at, problems)
        land_teams_file(conn, teams_file, fetched_at, problems)
        rows = len(fetched.teams) + len(fetched.members)
        record_ingestion(
            conn,
            run_id=context.run.run_id,
            asset_key=TEAMS_KEY,
            partitions=[],
            started_at=started_at,
            rows=rows,
            problems=problems,
            usage=usage,
        )
        schema = asset_metadata.table_schema(conn, "staging.github_team_members")
    return snapshot_report(
        TEAMS_KEY,
        rows=rows,
        problems=problems,
        schema=schema,
        usage=usage,
        orgs=", ".join(sorted(orgs)),
        github_teams=teams,
        github_team_members=members,
        config_teams=len(teams_file.teams),
        config_team_members=len(teams_file.members),
    )


TEAMS_CHECKS = [build_sql_check(ingest_problems_check(TEAMS_KEY))]
