"""The sandbox serves the organisation's teams like GitHub: spec shapes, nesting, roles, paging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dexxy_sandbox.openapi_validation import OpenApiResponses
from dexxy_sandbox.server import SandboxServer

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "specs"
GITHUB_SPEC = SPECS / "github" / "rest-api.github.com.json"
TEAMS = "/orgs/{org}/teams"
MEMBERS = "/orgs/{org}/teams/{team_slug}/members"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(until=dt.date(2025, 3, 31), engineers=12, repos=2, days=20) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": "token sandbox-token", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=server.github_api_url, headers=headers, timeout=30) as http:
        yield http


def get(client: httpx.Client, url: str, **params: Any) -> httpx.Response:
    response = client.get(url, params=params)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response


def test_teams_and_members_match_the_spec(server: SandboxServer, client: httpx.Client) -> None:
    if not GITHUB_SPEC.exists():
        pytest.skip(f"../shared/specs not found: {GITHUB_SPEC} (the specs live beside the repository)")
    spec = OpenApiResponses.load(GITHUB_SPEC)
    login = server.org.login
    teams = get(client, f"/orgs/{login}/teams", per_page=100).json()
    assert not spec.errors(TEAMS, teams, method="get", status="200")
    for team in teams:
        members = get(client, f"/orgs/{login}/teams/{team['slug']}/members", per_page=100).json()
        assert members, team["slug"]
        assert not spec.errors(MEMBERS, members, method="get", status="200")


def test_nesting_roles_and_people_in_two_teams(server: SandboxServer, client: httpx.Client) -> None:
    login = server.org.login
    teams = {t["slug"]: t for t in get(client, f"/orgs/{login}/teams", per_page=100).json()}
    children = [t for t in teams.values() if t["parent"] is not None]
    assert len(children) == 1
    child, parent_slug = children[0], children[0]["parent"]["slug"]
    assert teams[parent_slug]["parent"] is None

    def members(slug: str, **params: Any) -> dict[str, dict]:
        listing = get(client, f"/orgs/{login}/teams/{slug}/members", per_page=100, **params).json()
        return {m["login"]: m for m in listing}

    child_members, parent_members = members(child["slug"]), members(parent_slug)
    # the parent's listing includes the child team's members, flagged inherited
    assert set(child_members) <= set(parent_members)
    inherited = {name for name, m in parent_members.items() if m["inherited"]}
    assert inherited and inherited <= set(child_members)
    assert not any(m["inherited"] for m in child_members.values())
    maintainers = members(parent_slug, role="maintainer")
    assert len(maintainers) == 1 and all(m["role"] == "maintainer" for m in maintainers.values())
    direct: dict[str, set[str]] = {}
    for slug in teams:
        for name, m in members(slug).items():
            if not m["inherited"]:
                direct.setdefault(name, set()).add(slug)
    assert any(len(slugs) >= 2 for slugs in direct.values())


def test_team_lists_page_like_github(server: SandboxServer, client: httpx.Client) -> None:
    login = server.org.login
    first = get(client, f"/orgs/{login}/teams", per_page=2)
    assert len(first.json()) == 2
    assert f"/organizations/{server.org.id}/teams?per_page=2&page=2" in first.headers["link"]
    slug = max(server.org.teams, key=lambda t: len(t.members)).slug
    page = get(client, f"/orgs/{login}/teams/{slug}/members", per_page=1)
    team_id = next(t.id for t in server.org.teams if t.slug == slug)
    next_url = page.links["next"]["url"]
    assert f"/organizations/{server.org.id}/team/{team_id}/members" in next_url
    second = client.get(next_url)
    assert second.status_code == 200 and second.json()[0]["login"] != page.json()[0]["login"]
    assert client.get(f"/orgs/{login}/teams/no-such-team/members").status_code == 404


TEAMS_QUERY = """
query($org: String!, $membership: TeamMembershipType) {
  organization(login: $org) {
    teams(first: 100) {
      totalCount
      nodes {
        slug
        databaseId
        parentTeam { slug }
        members(first: 100, membership: $membership) { totalCount edges { role node { login } } }
      }
    }
  }
  rateLimit { cost }
}
"""


def graphql_teams(client: httpx.Client, org: str, membership: str = "ALL") -> dict[str, dict]:
    response = client.post(
        "/graphql", json={"query": TEAMS_QUERY, "variables": {"org": org, "membership": membership}}
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text[:500]
    data = response.json()["data"]
    assert data["rateLimit"]["cost"] == 1
    return {team["slug"]: team for team in data["organization"]["teams"]["nodes"]}


def test_graphql_organization_teams_agree_with_rest(server: SandboxServer, client: httpx.Client) -> None:
    login = server.org.login
    rest_teams = {t["slug"]: t for t in get(client, f"/orgs/{login}/teams", per_page=100).json()}
    graph = graphql_teams(client, login)
    assert set(graph) == set(rest_teams)
    for slug, team in graph.items():
        rest = rest_teams[slug]
        assert team["databaseId"] == rest["id"]
        assert (team["parentTeam"] or {}).get("slug") == (rest["parent"] or {}).get("slug")
        members = get(client, f"/orgs/{login}/teams/{slug}/members", per_page=100).json()
        assert {(e["node"]["login"], e["role"].lower()) for e in team["members"]["edges"]} == {
            (m["login"], m["role"]) for m in members
        }
    immediate = graphql_teams(client, login, "IMMEDIATE")
    child = next(t for t in rest_teams.values() if t["parent"])
    parent = child["parent"]["slug"]
    direct = {e["node"]["login"] for e in immediate[parent]["members"]["edges"]}
    everyone = {e["node"]["login"] for e in graph[parent]["members"]["edges"]}
    assert direct < everyone  # the child team's members are listed only with membership ALL
