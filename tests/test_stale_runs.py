"""C12: a `dexxy run` killed with SIGKILL keeps its `github_api` pool slot until the next command frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg

from dexxy_assets.cli.dagster_home import instance_yaml
from dexxy_assets.cli.stale_runs import release_dead_runs

PROJECT_ROOT = Path(__file__).resolve().parents[1]

_KILLED_RUN = textwrap.dedent(
    """
    import sys, time
    import dagster as dg
    from dexxy_assets.cli.stale_runs import run_liveness_tags

    @dg.asset(pool="github_api")
    def holds_a_slot() -> None:
        print("holding", flush=True)
        time.sleep(600)

    with dg.DagsterInstance.get() as instance:
        dg.materialize([holds_a_slot], instance=instance, tags=run_liveness_tags())
    """
)


def test_a_killed_run_releases_its_pool_slot(make_database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(instance_yaml(make_database()))
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(PROJECT_ROOT)}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        child = subprocess.Popen(
            [sys.executable, "-c", _KILLED_RUN], env=env, stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "holding"
            storage = instance.event_log_storage
            assert storage.get_concurrency_info("github_api").claimed_slots
            run = instance.get_runs()[0]
            assert run.status == dg.DagsterRunStatus.STARTED
            assert release_dead_runs(instance) == []  # alive: left alone
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
        # Before the fix nothing ever frees it: the slot and the STARTED status outlive the process.
        assert storage.get_concurrency_info("github_api").claimed_slots
        assert release_dead_runs(instance) == [run.run_id]
        assert not storage.get_concurrency_info("github_api").claimed_slots
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
        assert release_dead_runs(instance) == []


def test_slots_of_finished_runs_are_freed_unknown_claims_kept(make_database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "dagster.yaml").write_text(instance_yaml(make_database()))

    @dg.asset
    def quick() -> None:
        return None

    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        finished = dg.materialize([quick], instance=instance).run_id
        storage = instance.event_log_storage
        storage.set_concurrency_slots("github_api", 4)
        assert storage.claim_concurrency_slot("github_api", finished, "leaked_step").is_claimed
        assert storage.claim_concurrency_slot("github_api", "not-a-run", "step").is_claimed
        assert release_dead_runs(instance) == [finished]
        claimed = storage.get_concurrency_info("github_api").claimed_slots
        assert [slot.run_id for slot in claimed] == ["not-a-run"]  # not a run we know: left alone
