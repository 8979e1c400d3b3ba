"""GraphQL mode reads a pull request's head commit by its oid: past 250 commits ``commits(last: 1)`` is the
250th commit, not the head, and its check runs would be lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from resources.warehouse import WarehouseResource
from tests.github_runs import github_resource, materialize_range
from tests.sandbox_fixtures import running_sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _check_runs(warehouse: WarehouseResource, repo: str, number: int) -> list[tuple]:
    with warehouse.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text(
                    "SELECT check_run_id, head_sha, name, app_slug, status, conclusion, started_at, "
                    "completed_at FROM staging.github_pr_check_runs "
                    "WHERE repo_full_name = :repo AND pr_number = :n ORDER BY check_run_id"
                ),
                {"repo": repo, "n": number},
            )
        ]


def test_graphql_mode_gets_the_head_check_runs_of_a_pull_request_with_more_than_250_commits(
    sandbox,  # type: ignore[no-untyped-def]
    make_database,  # type: ignore[no-untyped-def]
) -> None:
    big = [
        (repo, pr)
        for repo, pulls in sandbox.org.pulls_by_repo.items()
        for pr in pulls
        if pr.commit_count > 250
    ]
    assert big, "the sandbox org (seed 11) has a pull request with more than 250 commits"
    repo, pr = big[0]
    full_name = f"{sandbox.org.login}/{repo}"
    expected = sandbox.org.check_runs_for(pr, pr.commit_count - 1)
    assert expected, "its head commit has check runs"
    day: dt.date = pr.updated_at.date()
    runs = {}
    for mode in ("rest", "graphql"):
        warehouse = WarehouseResource(database_url=make_database())
        github = github_resource(sandbox, fetch_mode=mode)
        assert materialize_range(warehouse, github, day, day, selection=PULL_REQUEST_ASSETS).success, mode
        runs[mode] = _check_runs(warehouse, full_name, pr.number)
    assert runs["rest"], "REST mode reads the head commit's check runs"
    assert {row[1] for row in runs["rest"]} == {pr.head_sha}
    assert runs["graphql"] == runs["rest"]
