"""Incremental marts (``materialized='incremental'``): built one partition window at a time, they equal a
full build, whatever the order, however often, and when a row's event time moves to another partition."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import Connection, text

from dexxy_assets.analytics.mart_partitions import mart_partitions, run_window
from dexxy_assets.analytics.materializations import Window, materialize
from dexxy_assets.sql_models import MODELS_DIR, model_config
from resources.bulk_load import upsert
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource
from tests.test_delivery_metrics import T0, comment, commit, pr, review

INCREMENTAL = ("pr_reviews", "pr_comments", "commits", "jira_worklogs")
ORDER = {
    "pr_reviews": "review_id",
    "pr_comments": "comment_kind,comment_id",
    "commits": "pr_id,sha",
    "jira_worklogs": "worklog_id",
}
# ten days from Monday 2 March 2026; history reaches back before the first and past the last
PARTITIONS = dg.DailyPartitionsDefinition(start_date="2026-03-02", end_date="2026-03-12", timezone="UTC")
HOURS = (-400, -30, 0, 5, 23.99, 24, 60, 100, 200, 239.5, 240, 900)  # from T0 = 2 March 09:00


def _land(warehouse: WarehouseResource) -> None:
    """Reviews, comments, commits and worklogs at the HOURS above, one of each without an event time."""
    reviews = [review(n, f"r{n}", at) for n, at in enumerate(HOURS, 1)]
    reviews.append({**review(99, "pending", 0), "submitted_at": None})
    comments = [comment(n, f"c{n}", at, kind="issue" if n % 2 else "review") for n, at in enumerate(HOURS, 1)]
    comments.append({**comment(99, "nobody", 0), "created_at": None})
    commits = [commit(n, at) for n, at in enumerate(HOURS, 1)]
    commits.append({**commit(99, 0), "committed_at": None})
    worklogs = [
        {
            "worklog_id": n,
            "issue_id": 1,
            "author_account_id": "acc-1",
            "started_at": T0 + dt.timedelta(hours=at) if at is not None else None,
            "time_spent_seconds": 3600 * n,
            "comment_text": None,
            "created_at": T0,
            "updated_at": T0,
        }
        for n, at in enumerate((*HOURS, None), 1)
    ]
    with warehouse.begin() as conn:
        upsert(conn, "staging.github_pull_requests", list(pr()), [pr()], ["pr_id"])
        upsert(conn, "staging.github_pr_reviews", list(reviews[0]), reviews, ["review_id"])
        upsert(
            conn, "staging.github_pr_comments", list(comments[0]), comments, ["comment_kind", "comment_id"]
        )
        upsert(conn, "staging.github_pr_commits", list(commits[0]), commits, ["pr_id", "sha"])
        upsert(conn, "staging.jira_worklogs", list(worklogs[0]), worklogs, ["worklog_id"])


def _rows(conn: Connection, name: str) -> list[tuple]:
    sql = render_sql(
        "SELECT * FROM {{ t | ident }} ORDER BY {{ o | ident_list }}",
        t=f"analytics.{name}",
        o=ORDER[name].split(","),
    )
    return [tuple(row) for row in conn.execute(text(sql))]


def _windows(partitions: dg.TimeWindowPartitionsDefinition) -> list[Window]:
    keys = partitions.get_partition_keys()
    return [run_window(partitions, partitions.time_window_for_partition_key(key)) for key in keys]


def _full_build(conn: Connection, name: str) -> list[tuple]:
    materialize(conn, name)
    return _rows(conn, name)


def test_the_growing_marts_are_incremental_by_day() -> None:
    for name in INCREMENTAL:
        settings = model_config(name)
        assert (settings.materialized, settings.partition_grain) == ("incremental", "day"), name


@pytest.mark.parametrize("name", INCREMENTAL)
def test_partition_by_partition_equals_a_full_build(warehouse: WarehouseResource, name: str) -> None:
    _land(warehouse)
    with warehouse.begin() as conn:
        full = _full_build(conn, name)
        assert len(full) == len(HOURS) + 1  # every row, also those before, after and without a time
        conn.execute(text(render_sql("DELETE FROM {{ t | ident }}", t=f"analytics.{name}")))
        windows = _windows(PARTITIONS)
        for window in reversed(windows):  # any order
            materialize(conn, name, window)
        assert _rows(conn, name) == full
        for window in windows[3:6]:  # a re-run replaces, never duplicates
            materialize(conn, name, window)
        assert _rows(conn, name) == full


def test_the_first_and_last_windows_are_open_and_the_middle_ones_a_day() -> None:
    windows = _windows(PARTITIONS)
    assert windows[0] == Window(None, dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
    assert windows[4] == Window(
        dt.datetime(2026, 3, 6, tzinfo=dt.UTC), dt.datetime(2026, 3, 7, tzinfo=dt.UTC)
    )
    assert windows[-1] == Window(dt.datetime(2026, 3, 11, tzinfo=dt.UTC), None)
    # a single-run backfill of several partitions is one window over all of them
    backfill = dg.TimeWindow(dt.datetime(2026, 3, 4, tzinfo=dt.UTC), dt.datetime(2026, 3, 8, tzinfo=dt.UTC))
    assert run_window(PARTITIONS, backfill) == Window(backfill.start, backfill.end)
    assert windows[4].variables() == {
        "window_start": "2026-03-06T00:00:00+00:00",
        "window_end": "2026-03-07T00:00:00+00:00",
    }


def test_a_row_whose_event_time_moved_leaves_its_old_partition(warehouse: WarehouseResource) -> None:
    """A Jira worklog's start can be edited: re-running only its new day must not collide with its old row."""
    _land(warehouse)
    windows = _windows(PARTITIONS)
    with warehouse.begin() as conn:
        for window in windows:
            materialize(conn, "jira_worklogs", window)
        moved = T0 + dt.timedelta(days=5, hours=1)  # from 2 March (worklog 3) to 7 March
        conn.execute(
            text("UPDATE staging.jira_worklogs SET started_at = :t WHERE worklog_id = 3"), {"t": moved}
        )
        materialize(conn, "jira_worklogs", windows[5])
        incremental = _rows(conn, "jira_worklogs")
        assert incremental == _full_build(conn, "jira_worklogs")


def test_weekly_partitions_start_on_monday_utc_and_add_up_to_a_full_build(
    warehouse: WarehouseResource, tmp_path: Path
) -> None:
    project = _project_copy(tmp_path)
    model = project / "marts" / "pr_reviews.sql"
    model.write_text(model.read_text().replace("partition_grain='day'", "partition_grain='week'"))
    assert model_config("pr_reviews", project).partition_grain == "week"

    weekly = mart_partitions("week", dt.date(2026, 3, 4))  # a Wednesday: its week starts Monday 2 March
    first = weekly.get_first_partition_window()
    assert first is not None and first.start == dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    assert (first.end - first.start) == dt.timedelta(days=7)
    _land(warehouse)
    with warehouse.begin() as conn:
        full = _full_build(conn, "pr_reviews")
        conn.execute(text("DELETE FROM analytics.pr_reviews"))
        windows = _windows(weekly)
        assert all(w.start is None or w.start.weekday() == 0 for w in windows)
        for window in windows:
            materialize(conn, "pr_reviews", window, project)
        assert _rows(conn, "pr_reviews") == full


@pytest.mark.parametrize("name", ("pr_reviews", "pr_comments", "commits"))
def test_a_window_refreshes_the_rows_of_pull_requests_staged_in_it(
    warehouse: WarehouseResource, name: str
) -> None:
    """A range run loads pull requests updated in the range: their older reviews, comments and commits come
    along (as in analytics.pull_requests), not only those of the range's days."""
    _land(warehouse)
    staged_on = dt.datetime.combine(pr()["partition_date"], dt.time(), dt.UTC)  # 7 March
    with warehouse.begin() as conn:
        full = _full_build(conn, name)
        conn.execute(text(render_sql("DELETE FROM {{ t | ident }}", t=f"analytics.{name}")))
        materialize(conn, name, Window(staged_on, staged_on + dt.timedelta(days=1)))
        assert _rows(conn, name) == full  # every row belongs to pull request 1, staged on 7 March


def test_the_mart_asset_is_daily_partitioned_and_reports_its_window(
    warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEXXY_START_DATE", "2026-03-02")
    from dexxy_assets.definitions import defs

    asset = defs().get_assets_def(dg.AssetKey(["analytics", "pr_reviews"]))
    assert isinstance(asset.partitions_def, dg.DailyPartitionsDefinition)
    assert asset.partitions_def.get_first_partition_key() == "2026-03-02"
    _land(warehouse)
    result = dg.materialize([asset], partition_key="2026-03-03", resources={"warehouse": warehouse})
    (materialization,) = result.asset_materializations_for_node(asset.node_def.name)
    metadata = materialization.metadata
    assert metadata["window_start"].value == "2026-03-03T00:00:00+00:00"
    assert metadata["window_end"].value == "2026-03-04T00:00:00+00:00"
    assert metadata["dagster/row_count"].value == 2  # T0 + 23.99 h and T0 + 24 h fall on 3 March
    with warehouse.connect() as conn:
        days = conn.execute(text("SELECT DISTINCT submitted_at::date FROM analytics.pr_reviews")).scalars()
        assert list(days) == [dt.date(2026, 3, 3)]


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "dbt_like_sql"
    shutil.copytree(MODELS_DIR, project)
    return project


def test_a_weekly_table_keyed_by_week_start_builds_week_by_week(warehouse: WarehouseResource) -> None:
    """A weekly mart (``week_start date``, Monday, UTC) incremental by week: each week's window aggregates
    whole weeks, so the weeks together equal the full build."""
    assert model_config("jira_linkage_weekly").partition_grain == "week"
    # Sunday 23:30 UTC and Monday 00:30 UTC fall in two weeks; one before the first week, one far later
    opened = [
        dt.datetime(2026, 2, 20, 12, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 8, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 9, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
    ]
    pulls = [pr(pr_id=n, pr_number=n, created_at=at) for n, at in enumerate(opened, 1)]
    weekly = dg.WeeklyPartitionsDefinition(
        start_date="2026-03-02", end_date="2026-03-30", day_offset=1, timezone="UTC"
    )
    with warehouse.begin() as conn:
        upsert(conn, "staging.github_pull_requests", list(pulls[0]), pulls, ["pr_id"])
        materialize(conn, "jira_linkage_weekly")
        full = conn.execute(text("SELECT * FROM analytics.jira_linkage_weekly ORDER BY week_start")).all()
        assert [row.week_start.isoformat() for row in full] == [
            "2026-02-16",
            "2026-03-02",
            "2026-03-09",
            "2026-06-01",
        ]
        conn.execute(text("DELETE FROM analytics.jira_linkage_weekly"))
        for window in _windows(weekly):
            materialize(conn, "jira_linkage_weekly", window)
        weeks = conn.execute(text("SELECT * FROM analytics.jira_linkage_weekly ORDER BY week_start")).all()
    assert weeks == full


def test_a_range_run_describes_the_mart_once_on_its_newest_day(
    warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A single-run backfill records one event per day: the column schema, the preview and the window go on
    the newest day only (a two-year run copied 8 KB into each of 731 events per mart)."""
    monkeypatch.setenv("DEXXY_START_DATE", "2026-03-02")
    from dexxy_assets.definitions import defs

    asset = defs().get_assets_def(dg.AssetKey(["analytics", "pr_reviews"]))
    _land(warehouse)
    days = ["2026-03-03", "2026-03-04", "2026-03-05"]  # not the first day: its window has no start
    result = dg.materialize(
        [asset],
        resources={"warehouse": warehouse},
        tags={"dagster/asset_partition_range_start": days[0], "dagster/asset_partition_range_end": days[-1]},
    )
    events = result.asset_materializations_for_node(asset.node_def.name)
    by_day = {event.partition: event.metadata for event in events}
    assert sorted(by_day) == days
    described = ("dagster/column_schema", "preview", "table_rows", "window_start", "window_end")
    newest = by_day[days[-1]]
    assert all(name in newest for name in described)
    for day in days[:-1]:
        assert not [name for name in described if name in by_day[day]], day
        assert by_day[day]["dagster/row_count"] == newest["dagster/row_count"]  # the rows the run wrote
    assert newest["window_start"].value == "2026-03-03T00:00:00+00:00"
    assert newest["window_end"].value == "2026-03-06T00:00:00+00:00"
