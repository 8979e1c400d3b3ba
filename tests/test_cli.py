"""`dexxy run` and `dexxy warehouse` as a user runs them: env vars, a Dagster instance on Postgres."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator

import dagster as dg
import pytest
from click.testing import CliRunner

from dexxy_assets.cli.main import cli
from tests.github_runs import SANDBOX_TOKEN
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox


@pytest.fixture
def sandbox_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator:
    with running_sandbox(engineers=4, repos=1, days=20) as server:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("GITHUB_API_URL", server.github_api_url)
        monkeypatch.setenv("GITHUB_TOKEN", SANDBOX_TOKEN)
        monkeypatch.setenv("GITHUB_ORGS", server.org.login)
        monkeypatch.delenv("DAGSTER_HOME", raising=False)
        yield server


def test_run_records_partitions_in_the_dagster_instance(sandbox_env, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    start = SANDBOX_UNTIL - dt.timedelta(days=4)
    args = ["run", "--start", start.isoformat(), "--end", SANDBOX_UNTIL.isoformat()]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with dg.DagsterInstance.get() as instance:  # DAGSTER_HOME was set by the command
        partitions = instance.get_materialized_partitions(dg.AssetKey(["github", "pull_requests"]))
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        (run,) = instance.get_runs(limit=1)
        assert run.job_name == "dexxy_all"  # a named job of the code location, not __ephemeral_asset_job__
    assert partitions == {(start + dt.timedelta(days=i)).isoformat() for i in range(5)}


def test_run_fails_with_the_cause_on_one_line(sandbox_env, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GITHUB_TOKEN", "expired-token")
    day = SANDBOX_UNTIL.isoformat()
    args = ["run", "--start", day, "--end", day, "--select", "key:github/repositories"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "GitHub rejected the token (401" in result.output
    assert "expired-token" not in result.output


def test_selecting_part_of_a_multi_asset_selects_all_of_it() -> None:
    from dexxy_assets.cli.asset_runner import selected_keys
    from dexxy_assets.definitions import defs

    keys = {k.to_user_string() for k in selected_keys(defs(), "key:github/reviews")}
    assert keys == {
        f"github/{name}"
        for name in ("pull_requests", "reviews", "commits", "files", "check_runs", "comments")
    }


def test_warehouse_commands(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url.replace("postgresql+psycopg2://", "postgresql://"))
    runner = CliRunner()
    migrated = runner.invoke(cli, ["warehouse", "migrate"], catch_exceptions=False)
    assert migrated.exit_code == 0 and "schema version" in migrated.output
    shown = runner.invoke(cli, ["warehouse", "url"], catch_exceptions=False)
    assert shown.output.strip().startswith("postgresql://")  # libpq form: pastes into psql


RUN_TYPO = ("run", "--select", "group:githb", "--start")


def test_dexxy_prints_no_dagster_warnings() -> None:
    """A real process, as a person runs it: Dagster's beta/preview warnings on loading the definitions used
    to come first on every command."""
    day = SANDBOX_UNTIL.isoformat()
    completed = subprocess.run(
        [sys.executable, "-c", "from dexxy_assets.cli.main import cli; cli()", *RUN_TYPO, day, "--end", day],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        timeout=120,
    )
    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [
        "Error: --select 'group:githb': matches no asset; did you mean 'group:github'?"
    ]


def test_sandbox_serve_help_lists_its_options() -> None:
    shown = CliRunner().invoke(cli, ["sandbox", "serve", "--help"], catch_exceptions=False).output
    for option in ("--seed", "--engineers", "--repos", "--days", "--faults", "--rate-limit", "--token"):
        assert option in shown
