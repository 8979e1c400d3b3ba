"""A GraphQL pull request lands in raw without the child lists its child tables already hold (most of its
bytes), and staging parses it to exactly the same record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from dexxy_assets.github import graphql_fetch, graphql_records
from dexxy_assets.github.pull_request_load import without_child_lists
from dexxy_assets.github.pull_request_records import as_row
from dexxy_assets.problems import ProblemLog
from resources.github import GitHubScope
from resources.github_client import GitHubClient
from tests.sandbox_fixtures import SANDBOX_TOKEN, SANDBOX_UNTIL, running_sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def test_a_graphql_pull_request_lands_without_its_child_lists_and_stages_the_same(sandbox) -> None:  # type: ignore[no-untyped-def]
    start = dt.datetime.combine(SANDBOX_UNTIL - dt.timedelta(days=20), dt.time(), dt.UTC)
    end = dt.datetime.combine(SANDBOX_UNTIL + dt.timedelta(days=1), dt.time(), dt.UTC)
    with GitHubClient(sandbox.github_api_url, SANDBOX_TOKEN) as client:
        scope = GitHubScope(orgs=(sandbox.org.login,), repos=())
        fetched = graphql_fetch.fetch_pull_requests(client, scope, start, end, 2)
    assert len(fetched) > 20
    full_bytes = kept_bytes = 0
    for pr in fetched:
        kept = without_child_lists(pr)
        full_bytes += len(json.dumps(pr.detail))
        kept_bytes += len(json.dumps(kept))
        for name in ("reviews", "commits", "files", "comments", "timelineItems"):
            assert "nodes" not in kept[name] and kept[name]["totalCount"] == pr.detail[name]["totalCount"]
        day = pr.partition_date
        parsed = [
            graphql_records.parse_pull_request(payload, pr.repo_full_name, day, start, ProblemLog())
            for payload in (pr.detail, kept)
        ]
        assert parsed[0] is not None and parsed[1] is not None
        assert as_row(parsed[1]) == as_row(parsed[0])
    assert kept_bytes < full_bytes / 2  # the child lists were most of it
