"""Workflow runs and releases through the sandbox end to end: the sandbox serves them in GitHub's shapes,
the raw assets land them for the repositories a rule covers, staging parses them, and analytics.deployments
shows the deployments of repositories that never call the Deployments API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from dexxy_assets.github.workflow_run_assets import land_records
from dexxy_assets.github.workflow_run_fetch import FetchedRecord, record_id
from dexxy_sandbox.openapi_validation import OpenApiResponses
from dexxy_sandbox.org.pipeline_deployments import (
    RELEASES,
    WORKFLOW_RUNS,
    deploy_style,
    deployment_rules_env_line,
    releases,
    workflow_runs,
)
from dexxy_sandbox.server import SandboxServer
from resources.github import GitHubResource
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

GITHUB_SPEC = (
    Path(__file__).resolve().parents[1].parent / "shared" / "specs" / "github" / "rest-api.github.com.json"
)
START = SANDBOX_UNTIL - dt.timedelta(days=25)
SELECTION = (
    "key:github/workflow_runs or key:github/workflow_runs_staged or key:github/releases or "
    "key:github/releases_staged or key:processing/dora_settings or key:analytics/deployments"
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(repos=6, days=40) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"token {SANDBOX_TOKEN}", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=sandbox.github_api_url, headers=headers, timeout=30) as http:
        yield http


def _repo(sandbox: SandboxServer, style: str) -> str:
    return next(r.name for i, r in enumerate(sandbox.org.repositories) if deploy_style(i) == style)


def _in_window(at: dt.datetime) -> bool:
    return START <= at.date() <= SANDBOX_UNTIL


def test_some_repositories_deploy_only_by_workflow_runs_or_releases(
    sandbox: SandboxServer, client: httpx.Client
) -> None:
    org = sandbox.org
    by_runs, by_releases = _repo(sandbox, WORKFLOW_RUNS), _repo(sandbox, RELEASES)
    for repo in (by_runs, by_releases):
        assert client.get(f"/repos/{org.login}/{repo}/deployments").json() == []
    names = {run.name for run in workflow_runs(org, by_runs)}
    assert {"CI", "Deploy to production", "Deploy to staging"} <= names
    assert "Deploy to production" not in {run.name for run in workflow_runs(org, by_releases)}
    assert releases(org, by_releases) and not releases(org, by_runs)
    api_repo = org.repositories[0].name
    assert client.get(f"/repos/{org.login}/{api_repo}/deployments").json()


def test_actions_runs_page_and_filter_by_creation_day(sandbox: SandboxServer, client: httpx.Client) -> None:
    org, repo = sandbox.org, _repo(sandbox, WORKFLOW_RUNS)
    path = f"/repos/{org.login}/{repo}/actions/runs"
    every = workflow_runs(org, repo)
    day = max(
        {r.created_at.date() for r in every}, key=lambda d: sum(r.created_at.date() == d for r in every)
    )
    expected = sorted((r.id for r in every if r.created_at.date() == day), reverse=True)
    first = client.get(path, params={"created": day.isoformat(), "per_page": 2})
    assert first.status_code == 200
    assert first.json()["total_count"] == len(expected) > 2
    seen = [run["id"] for run in first.json()["workflow_runs"]]
    url: str | None = first.links["next"]["url"]
    while url:
        page = client.get(url)
        seen += [run["id"] for run in page.json()["workflow_runs"]]
        url = page.links.get("next", {}).get("url")
    assert seen == expected  # newest first, every run once
    ranged = client.get(path, params={"created": f"{day}..{day}", "per_page": 100}).json()
    assert [r["id"] for r in ranged["workflow_runs"]] == expected
    assert client.get(path, params={"created": "yesterday"}).status_code == 422


def test_runs_and_releases_match_the_spec(sandbox: SandboxServer, client: httpx.Client) -> None:
    if not GITHUB_SPEC.exists():
        pytest.skip(f"../shared/specs not found: {GITHUB_SPEC} (the specs live beside the repository)")
    spec = OpenApiResponses.load(GITHUB_SPEC)
    org = sandbox.org
    runs = client.get(
        f"/repos/{org.login}/{_repo(sandbox, WORKFLOW_RUNS)}/actions/runs", params={"per_page": 100}
    )
    listed = client.get(f"/repos/{org.login}/{_repo(sandbox, RELEASES)}/releases", params={"per_page": 100})
    assert runs.json()["workflow_runs"] and listed.json()
    for template, payload in (
        ("/repos/{owner}/{repo}/actions/runs", runs.json()),
        ("/repos/{owner}/{repo}/releases", listed.json()),
    ):
        errors = spec.errors(template, payload, method="get", status="200")
        assert not errors, f"{template} does not match the spec:\n" + "\n".join(errors)


def _rules(sandbox: SandboxServer) -> str:
    """The rules `dexxy sandbox serve` prints for this org (the .env line's value, unquoted)."""
    line = deployment_rules_env_line(sandbox.org)
    assert line is not None
    name, _, value = line.partition("=")
    assert name == "DEXXY_DEPLOYMENT_RULES"
    return value.strip("'")


def _query(warehouse: WarehouseResource, sql: str) -> list[tuple[Any, ...]]:
    with warehouse.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def test_raw_staging_and_deployments_end_to_end(
    sandbox: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEXXY_DEPLOYMENT_RULES", _rules(sandbox))
    org = sandbox.org
    by_runs, by_releases = _repo(sandbox, WORKFLOW_RUNS), _repo(sandbox, RELEASES)
    result = materialize_range(warehouse, github_resource(sandbox), START, SANDBOX_UNTIL, selection=SELECTION)
    assert result.success
    runs = [r for r in workflow_runs(org, by_runs) if _in_window(r.created_at)]
    # raw: every run of the covered repository (CI too), none of the others
    assert _query(warehouse, "SELECT repo_full_name, count(*) FROM raw.github_workflow_runs GROUP BY 1") == [
        (f"{org.login}/{by_runs}", len(runs))
    ]
    staged = _query(
        warehouse, "SELECT run_id, name, conclusion FROM staging.github_workflow_runs ORDER BY run_id"
    )
    assert staged == sorted((r.id, r.name, r.conclusion) for r in runs)
    shipped = [r for r in releases(org, by_releases) if _in_window(r.created_at)]
    assert _query(warehouse, "SELECT release_id, tag_name FROM staging.github_releases ORDER BY 1") == [
        (r.id, r.tag_name) for r in shipped
    ]
    deployments = _query(
        warehouse,
        "SELECT source, deployment_id, repository, environment, latest_state FROM analytics.deployments "
        "ORDER BY source, deployment_id",
    )
    production_runs = [r for r in runs if r.name == "Deploy to production"]
    expected_runs = [
        (
            "workflow_run",
            r.id,
            f"{org.login}/{by_runs}",
            "production",
            {"success": "success", "failure": "failure", None: "in_progress"}[r.conclusion],
        )
        for r in production_runs
    ]
    expected_releases = [
        ("release", r.id, f"{org.login}/{by_releases}", "production", "success") for r in shipped
    ]
    assert deployments == sorted(expected_releases + expected_runs)
    assert any(state == "failure" for *_, state in expected_runs) and expected_releases

    # a re-run of the same days lands the same rows again, not twice
    again = materialize_range(warehouse, github_resource(sandbox), START, SANDBOX_UNTIL, selection=SELECTION)
    assert again.success
    assert _query(warehouse, "SELECT count(*) FROM raw.github_workflow_runs") == [(len(runs),)]
    assert _query(warehouse, "SELECT count(*) FROM analytics.deployments") == [(len(deployments),)]


def test_without_rules_nothing_is_fetched(sandbox: SandboxServer, warehouse: WarehouseResource) -> None:
    result = materialize_range(warehouse, github_resource(sandbox), START, SANDBOX_UNTIL, selection=SELECTION)
    assert result.success
    requests = [
        event.metadata["api_requests"].value
        for node in ("github__workflow_runs", "github__releases")
        for event in result.asset_materializations_for_node(node)
        if "api_requests" in event.metadata
    ]
    assert not requests  # no client was even opened
    assert _query(warehouse, "SELECT count(*) FROM raw.github_workflow_runs") == [(0,)]
    assert _query(
        warehouse, "SELECT count(*) FROM analytics.deployments WHERE source <> 'deployments_api'"
    ) == [(0,)]


def test_bad_runs_and_releases_stay_in_raw_are_counted_and_the_rest_loads(
    warehouse: WarehouseResource,
) -> None:
    day, fetched = dt.date(2026, 6, 20), dt.datetime(2026, 6, 21, tzinfo=dt.UTC)
    run = {"id": 1, "created_at": "2026-06-20T10:00:00Z", "name": "Deploy", "status": "completed"}
    runs = [
        {**run, "conclusion": "success"},
        {**run, "id": 2, "conclusion": "exploded"},  # an unknown conclusion: kept verbatim, counted
        {"name": "no id", "created_at": "2026-06-20T11:00:00Z"},
        {**run, "id": 4, "created_at": "yesterday"},
        ["not", "an", "object"],
    ]
    release = {"id": 7, "created_at": "2026-06-20T10:00:00Z", "tag_name": "v1", "draft": "no"}
    with warehouse.begin() as conn:
        land_records(
            conn,
            "raw.github_workflow_runs",
            "run_id",
            [FetchedRecord("o/r", day, record_id(p), p) for p in runs],
            [day],
            fetched,
        )
        land_records(
            conn,
            "raw.github_releases",
            "release_id",
            [FetchedRecord("o/r", day, record_id(p), p) for p in (release, {"tag_name": "v2"})],
            [day],
            fetched,
        )
    result = materialize_range(
        warehouse,
        GitHubResource(),
        day,
        day,
        selection="key:github/workflow_runs_staged or key:github/releases_staged",
    )
    assert result.success
    assert _query(warehouse, "SELECT count(*) FROM raw.github_workflow_runs") == [(5,)]  # raw keeps all
    assert _query(warehouse, "SELECT run_id, conclusion FROM staging.github_workflow_runs ORDER BY 1") == [
        (1, "success"),
        (2, "exploded"),
    ]
    assert _query(warehouse, "SELECT release_id, is_draft FROM staging.github_releases") == [(7, False)]
    problems = dict(
        _query(
            warehouse,
            "SELECT asset_key || ' ' || problem, sum(occurrences)::int FROM ops.ingest_problems GROUP BY 1",
        )
    )
    assert problems == {
        "github/workflow_runs_staged workflow_run.conclusion_unknown_value": 1,
        "github/workflow_runs_staged workflow_run.id_missing": 2,
        "github/workflow_runs_staged workflow_run.created_at_invalid": 1,
        "github/workflow_runs_staged workflow_run.created_at_missing": 1,
        "github/workflow_runs_staged workflow_run.unkeyed": 3,
        "github/releases_staged release.draft_not_boolean": 1,
        "github/releases_staged release.id_missing": 1,
        "github/releases_staged release.created_at_missing": 1,
        "github/releases_staged release.unkeyed": 1,
    }
    failed_checks = {
        e.asset_key.to_user_string()
        for e in result.get_asset_check_evaluations()
        if e.check_name == "no_ingest_problems" and not e.passed
    }
    assert failed_checks == {"github/workflow_runs_staged", "github/releases_staged"}
