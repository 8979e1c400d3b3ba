"""processing/pr_ai_detection over stored data, and the sensor that re-runs exactly the partitions a
pattern change made stale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.definitions import defs
from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from dexxy_assets.processing import ai_detection, ai_detection_asset
from resources.warehouse import WarehouseResource
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG, contiguous_ranges
from tests.github_runs import github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

DAYS = [SANDBOX_UNTIL - dt.timedelta(days=n) for n in range(5, 0, -1)]  # five consecutive days
DETECTION = "key:processing/pr_ai_detection"
SOURCES = PULL_REQUEST_ASSETS


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _versions(warehouse: WarehouseResource) -> dict[dt.date, set[str]]:
    with warehouse.connect() as conn:
        rows = conn.execute(text("SELECT partition_date, pattern_version FROM processing.pr_ai_detection"))
        found: dict[dt.date, set[str]] = {}
        for day, version in rows:
            found.setdefault(day, set()).add(version)
    return found


def test_detection_finds_the_sandbox_ai_work(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    github = github_resource(sandbox)
    assert materialize_range(
        warehouse, github, DAYS[0], DAYS[-1], selection=f"{SOURCES} or {DETECTION}"
    ).success
    truth = {
        pr.id: bool(pr.ai_tools)
        for pulls in sandbox.org.pulls_by_repo.values()
        for pr in pulls
        if DAYS[0] <= pr.updated_at.date() <= DAYS[-1]
    }
    with warehouse.connect() as conn:
        found = dict(conn.execute(text("SELECT pr_id, is_ai_assisted FROM processing.pr_ai_detection")).all())
    assert set(found) == set(truth)
    flagged_without = [pr for pr, ai in truth.items() if not ai and found[pr]]
    assert not flagged_without, "precision first: no human PR is flagged"
    assert sum(found[pr] for pr, ai in truth.items() if ai) >= 0.9 * sum(truth.values())


def test_a_pattern_change_reruns_exactly_the_stale_partitions(
    warehouse: WarehouseResource, sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    instance = dg.DagsterInstance.ephemeral()
    github = github_resource(sandbox)
    assert materialize_range(
        warehouse, github, DAYS[0], DAYS[-1], selection=SOURCES, instance=instance
    ).success
    with monkeypatch.context() as patched:  # the first three days were detected with an older pattern set
        patched.setattr(ai_detection, "PATTERN_VERSION", "0ld0ld0ld0ld")
        assert materialize_range(
            warehouse, github, DAYS[0], DAYS[2], selection=DETECTION, instance=instance
        ).success
    assert materialize_range(
        warehouse, github, DAYS[3], DAYS[4], selection=DETECTION, instance=instance
    ).success

    definitions = defs()
    sensor = next(s for s in definitions.sensors if s.name == "rerun_stale_processing_pr_ai_detection")
    result = sensor(dg.build_sensor_context(instance=instance, definitions=definitions))
    assert isinstance(result, dg.SensorResult) and len(result.run_requests) == 1
    request = result.run_requests[0]  # one single-run backfill of the contiguous stale range
    assert request.asset_selection == [ai_detection_asset.PR_AI_DETECTION_KEY]
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (
        DAYS[0].isoformat(),
        DAYS[2].isoformat(),
    )  # exactly the stale partitions

    assert materialize_range(
        warehouse, github, DAYS[0], DAYS[2], selection=DETECTION, instance=instance
    ).success
    assert all(versions == {ai_detection.PATTERN_VERSION} for versions in _versions(warehouse).values())
    again = sensor(dg.build_sensor_context(instance=instance, definitions=definitions))
    assert isinstance(again, dg.SkipReason)


def test_stale_partitions_are_requested_as_one_run_per_contiguous_range() -> None:
    days = dg.DailyPartitionsDefinition(start_date="2026-03-01", end_date="2026-03-10")
    stale = ["2026-03-02", "2026-03-03", "2026-03-05", "2026-03-09"]
    assert contiguous_ranges(stale, days) == [
        ("2026-03-02", "2026-03-03"),
        ("2026-03-05", "2026-03-05"),
        ("2026-03-09", "2026-03-09"),
    ]
