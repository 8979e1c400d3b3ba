"""`github/teams`: the organisations' teams and members (snapshot), plus the optional teams file.

Built by the ingestion-asset factory from fetch (`team_fetch`), the file (`team_file`) and landing
(`team_load`)."""

import datetime as dt

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github.asset_settings import github_ingestion_asset
from dexxy_assets.github.snapshot_assets import MEMBERS_KEY
from dexxy_assets.github.team_fetch import fetch_teams
from dexxy_assets.github.team_file import configured_path, read_teams_file
from dexxy_assets.github.team_load import land_github_teams, land_teams_file
from dexxy_assets.problems import ProblemLog
from resources.github import GitHubResource
from resources.http.etag_cache import EtagCache

TEAMS_KEY = dg.AssetKey(["github", "teams"])


def _load(run: ingest.IngestionRun) -> ingest.LandingStep:
    github: GitHubResource = run.api
    orgs = sorted(github.scope().orgs)
    problems = ProblemLog()
    with github.client(EtagCache()) as client:
        fetched = fetch_teams(client, tuple(orgs), problems)
    teams_file = read_teams_file(configured_path(), problems)
    fetched_at = dt.datetime.now(dt.UTC)

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        teams, members = land_github_teams(conn, orgs, fetched, fetched_at, problems)
        land_teams_file(conn, teams_file, fetched_at, problems)
        run_wide = {
            "orgs": ", ".join(orgs),
            "github_teams": teams,
            "github_team_members": members,
            "config_teams": len(teams_file.teams),
            "config_team_members": len(teams_file.members),
        }
        rows = len(fetched.teams) + len(fetched.members)
        return {TEAMS_KEY: ingest.Landed(rows=rows, problems=problems, usage=client.usage, run_wide=run_wide)}

    return land


github_teams = github_ingestion_asset(
    "github__teams",
    [
        ingest.Entity(
            TEAMS_KEY,
            "GitHub organisation teams and their members (members of child teams included, as GitHub "
            "lists them), and the teams file (DEXXY_TEAMS_FILE) for people outside GitHub teams (snapshot).",
            "staging.github_team_members",
            ("staging.github_teams", "staging.config_teams", "staging.config_team_members"),
        )
    ],
    _load,
    deps=[MEMBERS_KEY],  # the teams file's logins are checked against the members sync
)
