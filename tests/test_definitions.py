"""The code location loads with no environment at all, and Dagster's own validation accepts it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from dexxy_assets.definitions import defs
from dexxy_assets.sources import registered_sources

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REQUIRED_KEYS = {
    "github/members",
    "github/repositories",
    "github/pull_requests",
    "github/reviews",
    "github/commits",
    "analytics/team_members",
    "analytics/pull_requests",
    "analytics/pr_reviews",
    "analytics/commits",
    "jira/users",
    "jira/sprints",
    "jira/issues",
    "jira/issue_changelog",
    "jira/comments",
    "jira/worklogs",
    "jira/issues_staged",
    "analytics/jira_issues",
    "analytics/jira_sprint_metrics",
    "analytics/pr_jira_links",
}


def test_definitions_load_with_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEXXY_START_DATE")
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert REQUIRED_KEYS <= keys
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key
        assert node.owners, key
        assert node.kinds, key
        assert node.group_name == key.path[0], key  # the group is the source or layer
        assert key.path[-1] == key.path[-1].lower()


def test_daily_assets_are_single_run_backfills_in_the_github_pool() -> None:
    definitions = defs()
    assets = {k.to_user_string(): a for a in definitions.assets for k in a.keys}  # type: ignore[union-attr]
    prs = assets["github/pull_requests"]
    assert isinstance(prs.partitions_def, dg.DailyPartitionsDefinition)
    assert prs.backfill_policy == dg.BackfillPolicy.single_run()
    assert prs.partitions_def.get_first_partition_key() == "2026-01-01"


def test_the_start_date_is_remembered_when_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import datetime as dt

    from dexxy_assets.partitions import resolve_start_date

    monkeypatch.delenv("DEXXY_START_DATE")
    first = resolve_start_date(tmp_path, today=dt.date(2026, 5, 1))
    later = resolve_start_date(tmp_path, today=dt.date(2026, 9, 1))
    assert first == later == dt.date(2026, 1, 31)


def test_dagster_definitions_validate() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "DATABASE_URL"))}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster",
            "definitions",
            "validate",
            "-w",
            str(PROJECT_ROOT / "workspace.yaml"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_ingestion_asset_reports_bad_input_through_a_check() -> None:
    definitions = defs()
    checked = {
        key.asset_key.to_user_string()
        for checks in definitions.asset_checks or []
        for key in checks.check_keys  # type: ignore[union-attr]
        if key.name == "no_ingest_problems"
    }
    groups = {source.settings.group for source in registered_sources()}
    ingestion = {
        k.to_user_string()
        for k in definitions.resolve_asset_graph().get_all_asset_keys()
        if k.path[0] in groups
    }
    assert ingestion <= checked
