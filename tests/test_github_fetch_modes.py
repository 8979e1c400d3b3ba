"""The GraphQL bulk path: same warehouse as REST, a fraction of the cost, windows split at the search cap,
overflowing pull requests re-read over REST."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest

from dexxy_assets.github import graphql_fetch
from resources.github import GitHubScope
from resources.github_client import GitHubClient
from resources.github_graphql import GitHubGraphQL, graphql_url
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_range, table_rows
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

START = SANDBOX_UNTIL - dt.timedelta(days=13)
COMPARED = {
    "analytics.pull_requests": "pr_id",
    "analytics.pr_reviews": "review_id",
    "analytics.commits": "pr_id,sha",
    "analytics.pr_files": "pr_id,path",
    "analytics.pr_check_runs": "check_run_id",
    "analytics.pr_comments": "comment_kind,comment_id",
    "analytics.deployments": "deployment_id",
    "analytics.team_members": "member_id",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _pr_metadata(result) -> dict:  # type: ignore[no-untyped-def]
    """The newest day's materialization: the one carrying the run-wide detail."""
    for event in reversed(result.asset_materializations_for_node("github_pull_requests")):
        if event.asset_key.to_user_string() == "github/pull_requests":
            return {k: v.value for k, v in event.metadata.items()}
    raise AssertionError("no github/pull_requests materialization")


def test_both_fetch_modes_build_the_same_warehouse(sandbox, make_database) -> None:  # type: ignore[no-untyped-def]
    tables, cost = {}, {}
    for mode in ("rest", "graphql"):
        warehouse = WarehouseResource(database_url=make_database())
        result = materialize_range(warehouse, github_resource(sandbox, fetch_mode=mode), START, SANDBOX_UNTIL)
        assert result.success, mode
        tables[mode] = {table: table_rows(warehouse, table, order) for table, order in COMPARED.items()}
        cost[mode] = _pr_metadata(result)
    for table in COMPARED:
        assert tables["graphql"][table] == tables["rest"][table], table
    assert tables["rest"]["analytics.pull_requests"], "the window holds pull requests"
    assert cost["graphql"]["api_points_per_pr"] < cost["rest"]["api_points_per_pr"] / 10


def test_graphql_url_for_github_ghes_and_the_sandbox() -> None:
    assert graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert graphql_url("https://git.example.com/api/v3/") == "https://git.example.com/api/graphql"
    assert graphql_url("http://127.0.0.1:8765/github") == "http://127.0.0.1:8765/github/graphql"


def test_windows_split_until_each_fits_the_search_cap(sandbox, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(graphql_fetch, "SEARCH_RESULT_CAP", 10)
    search_scope = f"org:{sandbox.org.login}"
    start = dt.datetime.combine(START, dt.time(), dt.UTC)
    end = dt.datetime.combine(SANDBOX_UNTIL + dt.timedelta(days=1), dt.time(), dt.UTC)
    with GitHubClient(sandbox.github_api_url, SANDBOX_TOKEN) as client:
        graphql = GitHubGraphQL(client)
        windows = list(graphql_fetch.windows_within_cap(graphql, search_scope, start, end))
        seen = [
            (node["repository"]["nameWithOwner"], node["number"])
            for a, b, total in windows
            for node in graphql_fetch.search_nodes(graphql, search_scope, a, b, total)
        ]
    expected = [
        (f"{sandbox.org.login}/{repo}", pr.number)
        for repo, pulls in sandbox.org.pulls_by_repo.items()
        for pr in pulls
        if start <= pr.updated_at < end
    ]
    assert len(windows) > 1 and all(total <= 10 for _, _, total in windows)
    assert windows[0][0] == start and windows[-1][1] == end
    assert all(a[1] == b[0] for a, b in itertools.pairwise(windows))  # contiguous, no gap
    assert sorted(seen) == sorted(expected)  # every pull request exactly once


def test_an_overflowing_connection_is_read_over_rest(sandbox) -> None:  # type: ignore[no-untyped-def]
    big = [
        (repo, pr)
        for repo, pulls in sandbox.org.pulls_by_repo.items()
        for pr in pulls
        if pr.commit_count > 100
    ]
    if not big:
        pytest.skip("the sandbox org has no pull request with more than 100 commits")
    repo, pr = big[0]
    start = pr.updated_at.replace(microsecond=0) - dt.timedelta(seconds=1)
    end = pr.updated_at + dt.timedelta(seconds=1)
    scope = GitHubScope(orgs=(sandbox.org.login,), repos=(f"{sandbox.org.login}/{repo}",))
    with GitHubClient(sandbox.github_api_url, SANDBOX_TOKEN) as client:
        fetched = graphql_fetch.fetch_pull_requests(client, scope, start, end, concurrency=2)
    match = [f for f in fetched if f.number == pr.number]
    assert match and match[0].payload_format == "graphql"
    assert "commits" in match[0].rest_children  # only the overflowing list was re-read
    assert len(match[0].commits) == min(pr.commit_count, 250)
    assert all("sha" in c for c in match[0].commits)  # REST-shaped
