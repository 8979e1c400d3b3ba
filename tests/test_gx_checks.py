"""Great Expectations suites as asset checks: they pass on good rows and fail on injected bad ones (real
Postgres), list each failing expectation with its unexpected count, percentage and values, read only the
checked partition, and a failing blocking suite stops what is downstream in the same run."""

import datetime as dt
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.checks.gx_checks import build_gx_check, run_suite
from dexxy_assets.checks.gx_expectations import INTEGRITY, PLAUSIBILITY
from dexxy_assets.checks.gx_suite import TableSuite
from dexxy_assets.checks.gx_volume import last_complete_week
from dexxy_assets.copilot.gx_suites import COPILOT_SUITES
from dexxy_assets.github.gx_suites import GITHUB_SUITES
from dexxy_assets.github.pull_request_staged_asset import PULL_REQUESTS_STAGED_KEY
from dexxy_assets.jira.gx_suites import JIRA_SUITES
from dexxy_assets.partitions import daily_partitions
from resources.warehouse import WarehouseResource

DAY = dt.date(2026, 3, 2)
WINDOW = (DAY, DAY + dt.timedelta(days=1))
T0 = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 18)  # a Wednesday: the last complete week starts Monday 2026-03-09


SUITES = (*GITHUB_SUITES, *COPILOT_SUITES, *JIRA_SUITES)


def suite(suites: tuple[TableSuite, ...], table: str, name: str) -> TableSuite:
    return next(s for s in suites if s.table == table and s.name == name)


def failures(result: dg.AssetCheckResult) -> dict[str, dict[str, Any]]:
    return {f["expectation"]: f for f in result.metadata["failures"].value}


def staged_pr(conn: Connection, pr_id: int, number: int, day: dt.date = DAY, **values: Any) -> None:
    row = {
        "pr_id": pr_id,
        "repo": "acme/api",
        "number": number,
        "state": "closed",
        "additions": 10,
        "created_at": T0,
        "merged_at": T0 + dt.timedelta(hours=5),
        "closed_at": T0 + dt.timedelta(hours=5),
        "day": day,
        **values,
    }
    conn.execute(
        text(
            "INSERT INTO staging.github_pull_requests (pr_id, repo_full_name, pr_number, state, additions, "
            "author_is_bot, created_at, merged_at, closed_at, updated_at, partition_date, fetched_at) VALUES "
            "(:pr_id, :repo, :number, :state, :additions, false, :created_at, :merged_at, :closed_at, "
            ":created_at, :day, :created_at)"
        ),
        row,
    )


def analytics_pr(conn: Connection, pr_id: int, number: int, **values: Any) -> None:
    row = {
        "pr_id": pr_id,
        "repo": "acme/api",
        "number": number,
        "state": "merged",
        "created_at": T0,
        "merged_at": T0 + dt.timedelta(hours=5),
        "cycle": 5,
        "coding": 1,
        **values,
    }
    conn.execute(
        text(
            "INSERT INTO analytics.pull_requests (pr_id, repository, pr_number, state, is_draft, is_bot, "
            "review_count, created_at, merged_at, updated_at, cycle_time_hours, coding_time_hours) VALUES "
            "(:pr_id, :repo, :number, :state, false, false, 1, :created_at, :merged_at, :created_at, :cycle, "
            ":coding)"
        ),
        row,
    )


def synced(conn: Connection, first_day: dt.date) -> None:
    """The GitHub pull request sync has run from ``first_day`` to TODAY."""
    conn.execute(
        text(
            "INSERT INTO ops.sync_log (asset_key, partition_start, partition_end, started_at, finished_at, "
            "status) VALUES ('github/pull_requests', :first, :last, now(), now(), 'success')"
        ),
        {"first": first_day, "last": TODAY},
    )


def test_staging_pull_requests_partition(warehouse: WarehouseResource) -> None:
    integrity = suite(SUITES, "staging.github_pull_requests", INTEGRITY)
    plausibility = suite(SUITES, "staging.github_pull_requests", PLAUSIBILITY)
    with warehouse.begin() as conn:
        for i in range(1, 9):
            staged_pr(conn, i, i)
        staged_pr(conn, 9, 9, merged_at=None, closed_at=None, state="open")
    with warehouse.connect() as conn:
        good = run_suite(conn, integrity, WINDOW, TODAY)
        assert good.passed, good.metadata["failing_expectations"]
        assert good.metadata["rows_checked"].value == 9
        assert run_suite(conn, plausibility, WINDOW, TODAY).passed

    with warehouse.begin() as conn:
        staged_pr(conn, 10, 10, merged_at=T0 - dt.timedelta(hours=1))  # merged before it was opened
        staged_pr(conn, 11, 3)  # (acme/api, 3) a second time
        staged_pr(conn, 12, 12, additions=-4, state="MERGED")
        staged_pr(conn, 13, 13, day=DAY + dt.timedelta(days=1), additions=-1)  # another partition
    with warehouse.connect() as conn:
        bad = run_suite(conn, integrity, WINDOW, TODAY)
        odd = run_suite(conn, plausibility, WINDOW, TODAY)
    assert not bad.passed and bad.severity == dg.AssetCheckSeverity.ERROR
    assert bad.metadata["rows_checked"].value == 12  # partition DAY only
    failed = failures(bad)
    assert set(failed) == {
        "ExpectColumnPairValuesAToBeGreaterThanB(merged_at, created_at)",
        "ExpectCompoundColumnsToBeUnique(repo_full_name, pr_number)",
        "ExpectColumnValuesToBeBetween(additions)",
    }
    negative = failed["ExpectColumnValuesToBeBetween(additions)"]
    assert negative["unexpected_count"] == 1 and negative["unexpected_values"] == [-4]
    assert negative["unexpected_percent"] == round(100 / 12, 2)
    assert failed["ExpectCompoundColumnsToBeUnique(repo_full_name, pr_number)"]["unexpected_count"] == 2
    assert (
        "ExpectColumnValuesToBeBetween(additions) | 1 | 8.33 | [-4]"
        in bad.metadata["failing_expectations"].value
    )
    assert not odd.passed and odd.severity == dg.AssetCheckSeverity.WARN
    assert failures(odd)["ExpectColumnValuesToBeInSet(state)"]["unexpected_values"] == ["MERGED"]


def test_analytics_pull_requests(warehouse: WarehouseResource) -> None:
    integrity = suite(SUITES, "analytics.pull_requests", INTEGRITY)
    with warehouse.begin() as conn:
        for i in range(1, 5):
            analytics_pr(conn, i, i)
        analytics_pr(conn, 5, 5, state="open", merged_at=None, cycle=None)
    with warehouse.connect() as conn:
        assert run_suite(conn, integrity, None, TODAY).passed
    with warehouse.begin() as conn:
        analytics_pr(conn, 6, 6, cycle=-2, coding=-1)
        analytics_pr(conn, 7, 1)
    with warehouse.connect() as conn:
        bad = run_suite(conn, integrity, None, TODAY)
    assert not bad.passed
    failed = failures(bad)
    assert set(failed) == {
        "ExpectCompoundColumnsToBeUnique(repository, pr_number)",
        "ExpectColumnValuesToBeBetween(cycle_time_hours)",
        "ExpectColumnValuesToBeBetween(coding_time_hours)",
    }
    assert failed["ExpectColumnValuesToBeBetween(cycle_time_hours)"]["unexpected_values"] == [-2.0]
    assert failed["ExpectColumnValuesToBeBetween(cycle_time_hours)"]["unexpected_percent"] == 16.67  # 1 of 6


def test_weekly_volume_within_three_times_the_trailing_mean(warehouse: WarehouseResource) -> None:
    plausibility = suite(SUITES, "analytics.pull_requests", PLAUSIBILITY)
    last_week = last_complete_week(TODAY)
    assert last_week == dt.date(2026, 3, 9)
    ids = iter(range(1, 10_000))

    def opened(week: dt.date, count: int) -> None:
        with warehouse.begin() as conn:
            for _ in range(count):
                n = next(ids)
                created = dt.datetime.combine(week, dt.time(10), tzinfo=dt.UTC) + dt.timedelta(hours=n % 90)
                analytics_pr(conn, n, n, created_at=created, merged_at=None, state="open", cycle=None)

    with warehouse.begin() as conn:
        synced(conn, dt.date(2026, 1, 1))
    for weeks_back, count in ((4, 6), (3, 10), (2, 8), (1, 8)):  # trailing mean 8
        opened(last_week - dt.timedelta(weeks=weeks_back), count)
    opened(last_week, 20)
    opened(last_week + dt.timedelta(weeks=1), 50)  # the week in progress is not judged
    with warehouse.connect() as conn:
        fine = run_suite(conn, plausibility, None, TODAY)
    assert fine.passed, fine.metadata["failing_expectations"]
    expected = {"week_start": "2026-03-09", "rows": 20, "trailing_mean": 8}
    assert fine.metadata["weekly_volume"].value == expected

    opened(last_week, 5)  # 25 > 3 x 8
    with warehouse.connect() as conn:
        jump = run_suite(conn, plausibility, None, TODAY)
    assert not jump.passed
    volume = failures(jump)["ExpectColumnValuesToBeBetween(ratio_to_trailing_mean)"]
    assert volume["unexpected_count"] == 1 and volume["unexpected_values"] == [25 / 8]

    with warehouse.begin() as conn:  # a drop: 2 < 8 / 3 (a sync that lost data)
        conn.execute(
            text("DELETE FROM analytics.pull_requests WHERE created_at >= :monday AND created_at < :next"),
            {"monday": last_week, "next": last_week + dt.timedelta(weeks=1)},
        )
    opened(last_week, 2)
    with warehouse.connect() as conn:
        drop = run_suite(conn, plausibility, None, TODAY)
    assert failures(drop)["ExpectColumnValuesToBeBetween(ratio_to_trailing_mean)"]["unexpected_values"] == [
        0.25
    ]

    with warehouse.begin() as conn:  # a younger history: the weeks before hold only what was updated since
        conn.execute(text("DELETE FROM ops.sync_log"))
        synced(conn, last_week - dt.timedelta(weeks=2))
    with warehouse.connect() as conn:
        young = run_suite(conn, plausibility, None, TODAY)
    assert young.passed
    assert (
        "github/pull_requests has not synced the 4 weeks before 2026-03-09"
        in (young.metadata["weekly_volume"].value["skipped"])
    )


def test_jira_keys_and_copilot_acceptances(warehouse: WarehouseResource) -> None:
    jira = suite(SUITES, "analytics.jira_issues", INTEGRITY)
    copilot = suite(SUITES, "analytics.ai_usage_daily", INTEGRITY)
    insert_issue = text(
        "INSERT INTO analytics.jira_issues (issue_id, issue_key, previous_keys, sprint_ids, sprint_names, "
        "labels, updated_at, reopen_count, status_hours, changelog_complete, created_at, done_at) VALUES "
        "(:id, :key, '{}', '{}', '{}', '{}', now(), 0, '{}', true, :created, :created)"
    )
    insert_usage = text(
        "INSERT INTO analytics.ai_usage_daily (day, source, github_login, org, "
        "code_generation_activity_count, code_acceptance_activity_count, acceptance_rate) "
        "VALUES (:day, 'copilot', :login, 'acme', :gen, :acc, :rate)"
    )
    with warehouse.begin() as conn:
        for i, key in enumerate(("PAY-1", "PAY-412", "A2_B-9"), start=1):
            conn.execute(insert_issue, {"id": i, "key": key, "created": T0})
        for i, login in enumerate(("ana", "bo", "cy")):
            conn.execute(insert_usage, {"day": DAY, "login": login, "gen": 10, "acc": 3 + i, "rate": 0.3})
    with warehouse.connect() as conn:
        assert run_suite(conn, jira, None, TODAY).passed
        assert run_suite(conn, copilot, None, TODAY).passed
    with warehouse.begin() as conn:
        for i, key in enumerate(("pay-7", "PAY-007", "PAY 8"), start=4):
            conn.execute(insert_issue, {"id": i, "key": key, "created": T0})
        conn.execute(insert_usage, {"day": DAY, "login": "dee", "gen": 4, "acc": 6, "rate": 1.5})
    with warehouse.connect() as conn:
        keys = failures(run_suite(conn, jira, None, TODAY))
        usage = failures(run_suite(conn, copilot, None, TODAY))
    malformed = keys["ExpectColumnValuesToMatchRegex(issue_key)"]
    assert malformed["unexpected_values"] == ["pay-7", "PAY-007", "PAY 8"]
    assert malformed["unexpected_percent"] == 50.0
    pair = usage[
        "ExpectColumnPairValuesAToBeGreaterThanB(code_generation_activity_count, "
        "code_acceptance_activity_count)"
    ]
    assert pair["unexpected_count"] == 1 and pair["unexpected_values"] == [[4, 6]]
    assert usage["ExpectColumnValuesToBeBetween(acceptance_rate)"]["unexpected_values"] == [1.5]


def test_a_failing_blocking_suite_stops_downstream_in_the_same_run(warehouse: WarehouseResource) -> None:
    """The check runs per partition with the asset; downstream is skipped only when its partition is bad."""
    partitions = daily_partitions(dt.date(2026, 3, 1))
    check = build_gx_check(suite(SUITES, "staging.github_pull_requests", INTEGRITY), partitions)

    @dg.asset(key=PULL_REQUESTS_STAGED_KEY, partitions_def=partitions)
    def staged(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
        day = dt.date.fromisoformat(context.partition_key)
        bad = day == DAY
        with warehouse.begin() as conn:
            staged_pr(conn, day.day * 10, 1, day=day)
            staged_pr(conn, day.day * 10 + 1, 1 if bad else 2, day=day)  # a duplicate number on DAY

    @dg.asset(deps=[staged], partitions_def=partitions)
    def downstream() -> None:
        pass

    def run(day: dt.date) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [staged, downstream, check],
            partition_key=day.isoformat(),
            resources={"warehouse": warehouse},
            raise_on_error=False,
        )

    good = run(DAY - dt.timedelta(days=1))
    assert good.success
    [evaluation] = good.get_asset_check_evaluations()
    assert evaluation.passed and evaluation.metadata["rows_checked"].value == 2
    assert evaluation.metadata["partition_window"].value == "2026-03-01 .. 2026-03-02"

    bad = run(DAY)
    [evaluation] = bad.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.metadata["rows_checked"].value == 2
    materialized = {m.asset_key for m in bad.get_asset_materialization_events()}
    assert materialized == {PULL_REQUESTS_STAGED_KEY}  # downstream did not run
