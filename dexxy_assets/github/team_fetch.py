"""Fetching GitHub organisation teams and each team's members (REST; the lists are small)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dexxy_assets.problems import ProblemLog
from resources.github_client import GitHubClient
from resources.github_errors import GitHubNotFoundError
from resources.github_names import api_path


@dataclass
class FetchedTeams:
    """What one sync read, as the API returned it: (org, team) and (org, team slug, member) payloads."""

    teams: list[tuple[str, Any]] = field(default_factory=list)
    members: list[tuple[str, str, Any]] = field(default_factory=list)


def fetch_teams(client: GitHubClient, orgs: tuple[str, ...], problems: ProblemLog) -> FetchedTeams:
    """Every team of the organisations and, for each team with a readable slug, its member listing.

    GitHub's member listing includes the members of child teams, each with `role` and `inherited`. A team
    deleted (or hidden) between the two requests answers 404: counted, and the other teams still load."""
    fetched = FetchedTeams()
    for org in orgs:
        for team in client.paginate(api_path("orgs", org, "teams")):
            fetched.teams.append((org, team))
            slug = team.get("slug") if isinstance(team, dict) else None
            if not isinstance(slug, str) or not slug:
                continue
            try:
                members = list(client.paginate(api_path("orgs", org, "teams", slug, "members")))
            except GitHubNotFoundError:
                problems.add("team.members_not_found", example=f"{org}/{slug}")
                continue
            fetched.members.extend((org, slug, member) for member in members)
    return fetched
