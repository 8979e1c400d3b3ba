"""Teams from the sandbox's GitHub org and from the teams file: nesting, people in two teams, bad entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from dexxy_assets.github.team_fetch import fetch_teams
from dexxy_assets.problems import ProblemLog
from dexxy_sandbox.server import SandboxServer
from resources.github_client import GitHubClient
from resources.warehouse import WarehouseResource
from tests.github_runs import github_resource, materialize_range
from tests.rollup_fixtures import insert, person
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

SELECTION = (
    "key:github/members or key:github/teams or key:analytics/team_members or key:analytics/teams "
    "or key:analytics/team_memberships"
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(engineers=12, repos=1, days=5) as server:
        yield server


def load(warehouse: WarehouseResource, sandbox: SandboxServer) -> None:
    result = materialize_range(warehouse, github_resource(sandbox), SANDBOX_UNTIL, SANDBOX_UNTIL, SELECTION)
    assert result.success


def rows(warehouse: WarehouseResource, sql: str, **params: object) -> list[tuple]:
    with warehouse.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def test_github_teams_nesting_and_people_in_two_teams(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    load(warehouse, sandbox)
    org = sandbox.org
    key = {team.slug: f"github:{org.login.lower()}/{team.slug}" for team in org.teams}
    github_teams = "SELECT team_key, parent_team_key FROM analytics.teams WHERE source = 'github'"
    teams = dict(rows(warehouse, github_teams))
    assert teams == {key[t.slug]: (key[t.parent] if t.parent else None) for t in org.teams}
    members = rows(warehouse, "SELECT team_key, github_login, role FROM analytics.team_memberships")
    child = next(t for t in org.teams if t.parent)
    parent = next(t for t in org.teams if t.slug == child.parent)
    in_parent = {login for team_key, login, _ in members if team_key == key[parent.slug]}
    # a child team's members are members of the parent (GitHub lists them as inherited)
    assert set(child.members) <= in_parent
    assert in_parent == set(parent.members) | set(child.members)
    by_person: dict[str, set[str]] = {}
    for team_key, login, _ in members:
        by_person.setdefault(login, set()).add(team_key)
    neighbour_member = child.members[-1]
    assert {key[child.slug], key[parent.slug]} <= by_person[neighbour_member]
    assert len(by_person[neighbour_member]) >= 3  # its own team, the on-call team and (inherited) the parent
    maintainers = {(k, login) for k, login, role in members if role == "maintainer"}
    assert (key[parent.slug], parent.maintainers[0]) in maintainers


def test_teams_file_adds_people_and_counts_bad_entries(
    warehouse: WarehouseResource,
    sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    org = sandbox.org
    first, second = org.teams[0], org.teams[1]
    outsider = second.members[0]
    in_first_on_github = {login for t in org.teams if first.slug in (t.slug, t.parent) for login in t.members}
    nested = next(login for login in second.members[1:] if login not in in_first_on_github)
    teams_file = tmp_path / "teams.yaml"
    teams_file.write_text(
        f"""
teams:
  - name: Design
    parent: github:{org.login}/{first.slug}
    members:
      - {outsider.upper()}
      - {{login: {first.members[0]}, role: maintainer}}
      - ghost-of-nobody
      - 42
  - github_team: {org.login}/{first.slug}
    members: [{outsider}]
  - github_team: {org.login}/no-such-team
    members: [{outsider}]
  - just a string
  - name: Broken
    members: not-a-list
  - name: Design Systems
    parent: config:Design
    members: [{nested}]
"""
    )
    monkeypatch.setenv("DEXXY_TEAMS_FILE", str(teams_file))
    load(warehouse, sandbox)
    login = org.login.lower()
    design = rows(
        warehouse,
        "SELECT t.parent_team_key, m.github_login, m.role, m.source FROM analytics.teams t "
        "JOIN analytics.team_memberships m USING (team_key) WHERE t.team_key = 'config:Design' ORDER BY 2",
    )
    assert sorted(design) == sorted(
        [
            (f"github:{login}/{first.slug}", outsider, "member", "config"),
            (f"github:{login}/{first.slug}", first.members[0], "maintainer", "config"),
            (f"github:{login}/{first.slug}", nested, "member", "config"),  # from its child Design Systems
        ]
    )
    # ... and so up to Design's parent, the GitHub team
    nested_in = rows(
        warehouse, "SELECT team_key FROM analytics.team_memberships WHERE github_login = :login", login=nested
    )
    assert {f"github:{login}/{first.slug}", "config:Design", "config:Design Systems"} <= {
        k for (k,) in nested_in
    }
    added = rows(
        warehouse,
        "SELECT source FROM analytics.team_memberships WHERE team_key = :key AND github_login = :login",
        key=f"github:{login}/{first.slug}",
        login=outsider,
    )
    assert added == [("config",)]
    problems = dict(
        rows(
            warehouse,
            "SELECT problem, occurrences FROM ops.ingest_problems WHERE asset_key = 'github/teams'",
        )
    )
    assert problems == {
        "teams_file.unknown_login": 1,
        "teams_file.member_invalid": 1,
        "teams_file.unknown_github_team": 1,
        "teams_file.entry_not_mapping": 1,
        "teams_file.members_not_list": 1,
    }
    # the file's bad entries did not stop the GitHub teams from loading
    github_count = rows(warehouse, "SELECT count(*) FROM analytics.teams WHERE source = 'github'")
    assert github_count == [(len(org.teams),)]


def test_a_missing_teams_file_is_a_problem_not_a_crash(
    warehouse: WarehouseResource,
    sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("DEXXY_TEAMS_FILE", str(tmp_path / "absent.yaml"))
    load(warehouse, sandbox)
    assert rows(warehouse, "SELECT problem FROM ops.ingest_problems WHERE asset_key = 'github/teams'") == [
        ("teams_file.unreadable",)
    ]


def test_weekly_team_rollup_counts_each_teams_merged_pull_requests(
    warehouse: WarehouseResource, sandbox
) -> None:  # type: ignore[no-untyped-def]
    """End to end on the sandbox: every team's merged pull requests per week, from the org's ground truth
    (a child team's members count in the parent, a person in two teams in both, bots in none)."""
    start = SANDBOX_UNTIL - dt.timedelta(days=4)
    assert materialize_range(warehouse, github_resource(sandbox), start, SANDBOX_UNTIL).success
    org = sandbox.org
    people: dict[str, set[str]] = {}
    for team in org.teams:
        family = [team, *(t for t in org.teams if t.parent == team.slug)]
        people[f"github:{org.login.lower()}/{team.slug}"] = {login for t in family for login in t.members}
    expected: dict[tuple[str, dt.date], int] = {}
    for pr in org.all_pulls():
        if pr.merged_at is None or not start <= pr.updated_at.date() <= SANDBOX_UNTIL:
            continue  # only pull requests updated in the range are loaded
        week = pr.merged_at.date() - dt.timedelta(days=pr.merged_at.weekday())
        for team_key, logins in people.items():
            if pr.author in logins:
                expected[(team_key, week)] = expected.get((team_key, week), 0) + 1
    found = {
        (team_key, week): merged
        for team_key, week, merged in rows(
            warehouse, "SELECT team_key, week_start, prs_merged FROM analytics.weekly_team_rollup"
        )
        if merged
    }
    assert found == expected and expected


def test_a_team_gone_between_listing_and_members_is_counted_not_fatal() -> None:
    """A team deleted after the listing answers 404 for its members (the sandbox's teams never vanish, so a
    transport plays GitHub here)."""
    teams = [{"id": 1, "slug": "gone"}, {"id": 2, "slug": "here"}]

    def github(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/orgs/acme/teams":
            return httpx.Response(200, json=teams)
        if path == "/orgs/acme/teams/here/members":
            return httpx.Response(200, json=[{"id": 7, "login": "alice"}])
        return httpx.Response(404, json={"message": "Not Found", "status": "404"})

    problems = ProblemLog()
    client = GitHubClient("https://api.example.test", "token", transport=httpx.MockTransport(github))
    fetched = fetch_teams(client, ("acme",), problems)
    assert fetched.teams == [("acme", teams[0]), ("acme", teams[1])]
    assert fetched.members == [("acme", "here", {"id": 7, "login": "alice"})]
    assert problems.by_problem() == {"team.members_not_found": 1}


def test_rerunning_the_teams_sync_leaves_the_same_tables(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    tables = {
        "raw.github_team_members": "SELECT org, team_slug, login, payload::text FROM raw.github_team_members",
        "staging.github_teams": "SELECT team_id, slug, parent_slug, is_current FROM staging.github_teams",
        "analytics.team_memberships": "SELECT * FROM analytics.team_memberships",
    }
    load(warehouse, sandbox)
    first = {name: sorted(rows(warehouse, sql)) for name, sql in tables.items()}
    load(warehouse, sandbox)
    assert {name: sorted(rows(warehouse, sql)) for name, sql in tables.items()} == first
    assert all(first.values())


def test_a_cycle_of_parents_in_the_teams_file_ends(warehouse: WarehouseResource) -> None:
    """Design's parent is Ops and Ops's parent is Design: each one's people are in both, once."""
    loaded = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    with warehouse.begin() as conn:
        insert(conn, "analytics.team_members", [person(1, "alice"), person(2, "bob")])
        insert(
            conn,
            "staging.config_teams",
            [
                {
                    "team_key": "config:Design",
                    "name": "Design",
                    "parent_team_key": "config:Ops",
                    "loaded_at": loaded,
                },
                {
                    "team_key": "config:Ops",
                    "name": "Ops",
                    "parent_team_key": "config:Design",
                    "loaded_at": loaded,
                },
            ],
        )
        insert(
            conn,
            "staging.config_team_members",
            [
                {"team_key": "config:Design", "login": "alice", "role": "maintainer", "loaded_at": loaded},
                {"team_key": "config:Ops", "login": "bob", "role": "member", "loaded_at": loaded},
            ],
        )
        rebuild_mart(conn, "teams")
        rebuild_mart(conn, "team_memberships")
    assert sorted(rows(warehouse, "SELECT team_key, github_login, role FROM analytics.team_memberships")) == [
        ("config:Design", "alice", "maintainer"),
        ("config:Design", "bob", "member"),
        ("config:Ops", "alice", "member"),
        ("config:Ops", "bob", "member"),
    ]
