"""Landing a teams sync: raw payloads replaced per organisation, staging merged newest-wins, teams and
memberships no longer listed flagged `is_current = false`, and the teams file replacing its staging rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, text

from dexxy_assets.github.team_fetch import FetchedTeams
from dexxy_assets.github.team_file import TeamsFile
from dexxy_assets.github.team_records import team_member_row, team_row
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb, copy_rows, replace_partitions, upsert

_MARK_FORMER_TEAMS = text(
    "UPDATE staging.github_teams SET is_current = false WHERE org = ANY(:orgs) AND fetched_at < :fetched_at"
)
_MARK_FORMER_MEMBERS = text(
    "UPDATE staging.github_team_members SET is_current = false "
    "WHERE org = ANY(:orgs) AND fetched_at < :fetched_at"
)
_UNKNOWN_LOGINS = text(
    "SELECT m.login FROM staging.config_team_members AS m "
    "WHERE NOT EXISTS (SELECT 1 FROM staging.github_users AS u WHERE lower(u.login) = m.login) "
    "ORDER BY m.login"
)
_UNKNOWN_GITHUB_TEAMS = text(
    "SELECT DISTINCT k.team_key FROM ("
    "  SELECT team_key FROM staging.config_team_members UNION ALL "
    "  SELECT parent_team_key FROM staging.config_teams WHERE parent_team_key LIKE 'github:%'"
    ") AS k WHERE k.team_key LIKE 'github:%' AND NOT EXISTS ("
    "  SELECT 1 FROM staging.github_teams AS t WHERE t.is_current "
    "  AND 'github:' || lower(t.org) || '/' || lower(t.slug) = k.team_key) ORDER BY 1"
)


@dataclass(frozen=True)
class LandedTeams:
    teams: int
    members: int
    config_teams: int
    config_members: int


def land_github_teams(
    conn: Connection, orgs: list[str], fetched: FetchedTeams, fetched_at: dt.datetime, problems: ProblemLog
) -> tuple[int, int]:
    """Replace the organisations' raw teams and members and merge what parses into staging."""
    teams, members, raw_teams, raw_members = {}, {}, [], []
    for org, payload in fetched.teams:
        row = team_row(payload, org, fetched_at, problems)
        raw_teams.append(
            {"org": org, "team_id": row and row["team_id"], "slug": row and row["slug"], "payload": payload}
        )
        if row:
            teams[row["team_id"]] = row
    for org, slug, payload in fetched.members:
        row = team_member_row(payload, org, slug, fetched_at, problems)
        keys = {"user_id": row and row["user_id"], "login": row and row["login"]}
        raw_members.append({"org": org, "team_slug": slug, **keys, "payload": payload})
        if row:
            members[(org, slug, row["user_id"])] = row
    for table, rows, columns in (
        ("raw.github_teams", raw_teams, ["org", "team_id", "slug"]),
        ("raw.github_team_members", raw_members, ["org", "team_slug", "user_id", "login"]),
    ):
        landed = ({**r, "payload": Jsonb(r["payload"]), "fetched_at": fetched_at} for r in rows)
        replace_partitions(conn, table, "org", orgs, [*columns, "fetched_at", "payload"], landed)
    for table, staged, key in (
        ("staging.github_teams", list(teams.values()), ["team_id"]),
        ("staging.github_team_members", list(members.values()), ["org", "team_slug", "user_id"]),
    ):
        if staged:
            upsert(conn, table, list(staged[0]), staged, key, ["fetched_at"])
    conn.execute(_MARK_FORMER_TEAMS, {"orgs": orgs, "fetched_at": fetched_at})
    conn.execute(_MARK_FORMER_MEMBERS, {"orgs": orgs, "fetched_at": fetched_at})
    return len(teams), len(members)


def land_teams_file(conn: Connection, found: TeamsFile, loaded_at: dt.datetime, problems: ProblemLog) -> None:
    """Replace the file's staging rows; count logins no GitHub account has and GitHub teams not synced.

    Run after the GitHub teams landed, so a `github_team:` entry is checked against this sync."""
    conn.execute(text("DELETE FROM staging.config_team_members"))
    conn.execute(text("DELETE FROM staging.config_teams"))
    copy_rows(
        conn,
        "staging.config_teams",
        ["team_key", "name", "parent_team_key", "loaded_at"],
        (
            {"team_key": key, "name": name, "parent_team_key": parent, "loaded_at": loaded_at}
            for key, (name, parent) in found.teams.items()
        ),
    )
    copy_rows(
        conn,
        "staging.config_team_members",
        ["team_key", "login", "role", "loaded_at"],
        (
            {"team_key": key, "login": login, "role": role, "loaded_at": loaded_at}
            for (key, login), role in found.members.items()
        ),
    )
    for (login,) in conn.execute(_UNKNOWN_LOGINS):
        problems.add("teams_file.unknown_login", example=login)
    for (key,) in conn.execute(_UNKNOWN_GITHUB_TEAMS):
        problems.add("teams_file.unknown_github_team", example=key)
    for key, (_, parent) in found.teams.items():
        if parent is not None and parent.startswith("config:") and parent not in found.teams:
            problems.add("teams_file.unknown_parent", example=f"{key} -> {parent}")
