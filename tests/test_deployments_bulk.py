"""Deployments in bulk: GraphQL reads 100 deployments with their statuses for a point, REST revalidates with
ETags on a few threads, both build the same warehouse, and change sets are computed once."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import parse, validate
from sqlalchemy import text

from dexxy_assets.github import deployment_fetch, deployment_graphql
from dexxy_assets.github.deployment_assets import deployment_usage
from resources.github_client import GitHubClient
from resources.github_graphql import GitHubGraphQL
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource
from tests.github_runs import (
    SANDBOX_TOKEN,
    github_resource,
    materialize_range,
    materialize_unpartitioned,
    table_rows,
)
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox
from tests.test_graphql_documents import SCHEMA_PATH, github_schema

START = SANDBOX_UNTIL - dt.timedelta(days=30)
SELECTION = "key:github/deployments or key:github/deployments_staged or key:analytics/deployments"
# fetched_at is when a run read them: the only column allowed to differ between the two warehouses
STAGING = {
    "staging.github_deployments": [
        "deployment_id",
        "repo_full_name",
        "environment",
        "sha",
        "ref",
        "task",
        "creator_login",
        "is_production",
        "latest_state",
        "succeeded_at",
        "created_at",
        "updated_at",
        "previous_deployment_id",
        "change_set_known",
        "partition_date",
    ],
    "staging.github_deployment_commits": ["deployment_id", "sha", "repo_full_name"],
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _staging(warehouse: WarehouseResource, table: str) -> list[tuple]:
    columns = STAGING[table]
    sql = render_sql(
        "SELECT {{ c | ident_list }} FROM {{ t | ident }} ORDER BY {{ c | ident_list }}", c=columns, t=table
    )
    with warehouse.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def _metadata(result) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The run-wide figures (on every partition's materialization, or on one of them)."""
    for event in result.asset_materializations_for_node("github__deployments"):
        if "api_requests" in event.metadata:
            return {k: v.value for k, v in event.metadata.items()}
    raise AssertionError("no github/deployments materialization with the API usage")


def _run(sandbox, warehouse: WarehouseResource, mode: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    result = materialize_range(
        warehouse, github_resource(sandbox, fetch_mode=mode), START, SANDBOX_UNTIL, selection=SELECTION
    )
    assert result.success, mode
    metadata = _metadata(result)
    assert deployment_usage(result) == (metadata["api_requests"], metadata["api_budget_points"])
    # REST requests charged to the budget (GitHub does not charge 304s), whatever the metadata calls them
    metadata["rest_charged"] = metadata["api_budget_points"] - metadata["api_graphql_points"]
    return metadata


def test_both_modes_build_the_same_deployments_and_graphql_costs_a_fraction(sandbox, make_database) -> None:  # type: ignore[no-untyped-def]
    cold, rerun, tables = {}, {}, {}
    for mode in ("rest", "graphql"):
        warehouse = WarehouseResource(database_url=make_database())
        cold[mode] = _run(sandbox, warehouse, mode)
        rerun[mode] = _run(sandbox, warehouse, mode)
        tables[mode] = {table: _staging(warehouse, table) for table in STAGING}
        analytics = table_rows(warehouse, "analytics.deployments", "deployment_id")
        tables[mode]["analytics.deployments"] = analytics
        with warehouse.connect() as conn:
            formats = set(conn.execute(text("SELECT DISTINCT payload_format FROM raw.github_deployments")))
        assert formats == {(mode,)}
    for table, rows in tables["rest"].items():
        assert rows, table
        assert tables["graphql"][table] == rows, table
    deployments = len(tables["rest"]["staging.github_deployments"])
    per_repo = {}
    for row in tables["rest"]["staging.github_deployments"]:
        per_repo[row[1]] = per_repo.get(row[1], 0) + 1
    assert deployments >= 40 and all(row[4] for row in tables["rest"]["staging.github_deployments"])  # refs

    # REST: a request per deployment at least (its statuses); GraphQL: a point per page of 100 deployments
    assert cold["rest"]["rest_charged"] > deployments
    pages = sum(math.ceil(n / 100) for n in per_repo.values())
    assert cold["graphql"]["api_graphql_points"] <= pages <= max(deployments // 20, 1)
    change_sets = sum(1 for row in tables["rest"]["staging.github_deployments"] if row[13])
    compares = cold["graphql"]["rest_charged"]
    # REST calls left in GraphQL mode: one compare per change set, and the REST listing for refs
    # GraphQL cannot name (deleted preview branches, rollbacks to a sha)
    assert change_sets <= compares <= change_sets + pages
    assert cold["graphql"]["api_budget_points"] < cold["rest"]["api_budget_points"] / 2

    # a re-run: REST revalidates (304s cost nothing), change sets are not compared again
    assert rerun["rest"]["api_requests_not_modified"] >= 0.9 * rerun["rest"]["api_requests"]
    assert rerun["rest"]["rest_charged"] <= pages
    assert rerun["graphql"]["rest_charged"] <= pages  # no compare: change sets reused
    assert rerun["graphql"]["api_graphql_points"] == cold["graphql"]["api_graphql_points"]


def test_the_deployments_query_costs_one_point_per_hundred_deployments(sandbox) -> None:  # type: ignore[no-untyped-def]
    repo = f"{sandbox.org.login}/{sandbox.org.repositories[0].name}"
    body = {
        "query": deployment_graphql.DEPLOYMENTS_QUERY.replace("rateLimit {", "rateLimit(dryRun: true) {"),
        "variables": {"owner": sandbox.org.login, "name": sandbox.org.repositories[0].name},
    }
    answer = httpx.post(
        f"{sandbox.github_api_url}/graphql", json=body, headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    ).json()
    assert answer["data"]["rateLimit"]["cost"] == 1, answer
    with GitHubClient(sandbox.github_api_url, SANDBOX_TOKEN) as client:
        pages = list(deployment_graphql.deployment_pages(GitHubGraphQL(client), repo))
    expected = sandbox.org.deployments(sandbox.org.repositories[0].name)
    assert [n["databaseId"] for page in pages for n in page] == [
        d.id for d in sorted(expected, key=lambda d: (d.created_at, d.id), reverse=True)
    ]
    assert client.usage.graphql_points == len(pages) == math.ceil(len(expected) / 100)


def test_statuses_beyond_a_page_are_read_over_rest(sandbox, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        deployment_graphql,
        "DEPLOYMENTS_QUERY",
        deployment_graphql.DEPLOYMENTS_QUERY.replace("statuses(first: 100)", "statuses(first: 2)"),
    )
    repo = f"{sandbox.org.login}/{sandbox.org.repositories[0].name}"
    start = dt.datetime.combine(SANDBOX_UNTIL - dt.timedelta(days=6), dt.time(), dt.UTC)
    end = dt.datetime.combine(SANDBOX_UNTIL + dt.timedelta(days=1), dt.time(), dt.UTC)
    with GitHubClient(sandbox.github_api_url, SANDBOX_TOKEN) as client:
        graphql = deployment_fetch.fetch_deployments(client, repo, start, end, mode="graphql")
        rest = deployment_fetch.fetch_deployments(client, repo, start, end, mode="rest")
    assert graphql and len(graphql) == len(rest)
    by_id = {d.rest["id"]: d for d in rest}
    overflowed = [d for d in graphql if "statuses" in d.payload.get("_rest", {})]
    assert overflowed  # every sandbox deployment has 3 or more statuses
    for deployment in graphql:
        assert deployment.rest_statuses == by_id[deployment.rest["id"]].rest_statuses
        assert deployment.change_set == by_id[deployment.rest["id"]].change_set


def test_bench_gets_nothing_from_a_run_without_deployments(warehouse: WarehouseResource) -> None:
    result = materialize_unpartitioned(warehouse, "key:analytics/deployments")
    assert result.success
    assert deployment_usage(result) == (0, 0)


def test_the_deployments_query_is_valid_against_githubs_schema() -> None:
    if not SCHEMA_PATH.exists():
        pytest.skip(f"../shared/specs not found: {SCHEMA_PATH} (the specs live beside the repository)")
    errors = validate(github_schema(), parse(deployment_graphql.DEPLOYMENTS_QUERY))
    assert [e.message for e in errors] == []
