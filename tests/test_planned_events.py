"""D15: a long `dexxy run` writes one planned event per asset instead of one per asset and day; a short one
keeps per-day planned events, so the days of a failed short run are still marked failed in the instance."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dagster as dg
import pytest
from rich.console import Console

from dexxy_assets.cli.asset_runner import RunPlan, run_assets
from dexxy_assets.cli.dagster_home import write_instance_yaml
from dexxy_assets.cli.planned_events import PER_DAY_PLANNED_EVENTS_UP_TO_DAYS, SUBSET_PLANNED_EVENTS

FIRST = dt.date(2025, 1, 1)
DAILY = dg.DailyPartitionsDefinition(start_date=FIRST.isoformat())


@dg.asset(partitions_def=DAILY, backfill_policy=dg.BackfillPolicy.single_run())
def broken_days() -> None:
    """Fails whatever range it is given, as a source that is down would."""
    raise RuntimeError("the source is down")


DEFINITIONS = dg.Definitions(
    assets=[broken_days], jobs=[dg.define_asset_job("broken", selection=[broken_days])]
)


def _run(instance: dg.DagsterInstance, days: int) -> tuple[str, list[str]]:
    end = FIRST + dt.timedelta(days=days - 1)
    plan = RunPlan(
        job_name="broken",
        keys=[broken_days.key],
        pools=set(),
        partitions={broken_days.key.to_user_string(): days},
        start=FIRST,
        end=end,
    )
    outcome = run_assets(DEFINITIONS, plan, instance, Console(quiet=True))
    assert not outcome.success and outcome.run_id
    keys = DAILY.get_partition_keys_in_range(dg.PartitionKeyRange(FIRST.isoformat(), end.isoformat()))
    return outcome.run_id, keys


@pytest.fixture
def instance(make_database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    monkeypatch.delenv(SUBSET_PLANNED_EVENTS, raising=False)
    write_instance_yaml(tmp_path, make_database())
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        yield instance


def _planned(instance: dg.DagsterInstance, run_id: str) -> int:
    planned = dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    return len(instance.get_records_for_run(run_id, of_type=planned).records)


def test_a_failed_short_range_marks_each_day_failed(instance: dg.DagsterInstance) -> None:
    run_id, keys = _run(instance, 3)
    assert _planned(instance, run_id) == 3
    status = instance.get_status_by_partition(broken_days.key, keys, DAILY) or {}
    assert [status.get(key) for key in keys] == [dg.AssetPartitionStatus.FAILED] * 3


def test_a_long_range_writes_one_planned_event_per_asset(instance: dg.DagsterInstance) -> None:
    days = PER_DAY_PLANNED_EVENTS_UP_TO_DAYS + 9
    run_id, _ = _run(instance, days)
    assert _planned(instance, run_id) == 1
    assert SUBSET_PLANNED_EVENTS not in os.environ  # only for that run


def test_the_operators_choice_wins(instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SUBSET_PLANNED_EVENTS, "0")
    run_id, _ = _run(instance, PER_DAY_PLANNED_EVENTS_UP_TO_DAYS + 9)
    assert _planned(instance, run_id) == PER_DAY_PLANNED_EVENTS_UP_TO_DAYS + 9
