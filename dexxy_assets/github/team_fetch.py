"""Fetching GitHub organisation teams and each team's members (REST; the lists are small)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from resources.github_client import GitHubClient
from resources.github_names import api_path


@dataclass
class FetchedTeams:
    """What one sync read, as the API returned it: (org, team) and (org, team slug, member) payloads."""

    teams: list[tuple[str, Any]] = field(default_factory=list)
    members: list[tuple[str, str, Any]] = field(default_factory=list)


def fetch_teams(client: GitHubClient, orgs: tuple[str, ...]) -> FetchedTeams:
    """Every team of the organisations and, for each team with a readable slug, its member listing.

    GitHub's member listing includes the members of child teams, each with `role` and `inherited`."""
    fetched = FetchedTeams()
    for org in orgs:
        for team in client.paginate(api_path("orgs", org, "teams")):
            fetched.teams.append((org, team))
            slug = team.get("slug") if isinstance(team, dict) else None
            if isinstance(slug, str) and slug:
                for member in client.paginate(api_path("orgs", org, "teams", slug, "members")):
                    fetched.members.append((org, slug, member))
    return fetched
