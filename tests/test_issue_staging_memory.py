"""Issue staging holds a bounded batch, not the window (Dexxy issue 11, "memory that stays flat as the org
grows"): raw is streamed and merged ``BATCH_ROWS`` at a time, so staging four times the issues peaks at about
the same traced memory; merging batch after batch leaves the same rows as one merge (newest version wins,
then the one read last). Raw rows are the sandbox's REST payloads, copied under new ids into a real warehouse.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Connection, text

from dexxy_assets.github import payload_staging
from dexxy_assets.github.issue_fetch import CommentRecord, IssueRecord
from dexxy_assets.github.issue_staging import stage_issues
from dexxy_sandbox.org.issue_generator import issue_book
from resources.bulk_load import replace_partitions
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN
from tests.sandbox_fixtures import running_sandbox

N = 500  # issues (and as many comments) of the small window; the large one holds 4 N
BATCH_ROWS = N // 2  # smaller than the small window (the default's few thousand would make the test slow)
DAY = dt.date(2026, 6, 1)
FETCHED = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
ISSUE_COLUMNS = list(IssueRecord(DAY, "", None, None, None, "rest", {}).raw_row(FETCHED))
COMMENT_COLUMNS = list(CommentRecord(DAY, "", None, None, "rest", {}).raw_row(FETCHED))
STAGED = (
    ("staging.github_issues", "issue_node_id"),
    ("staging.github_issue_comments", "comment_id"),
)


@pytest.fixture(scope="module")
def sandbox_issue() -> tuple[str, dict[str, Any], list[Any], dict[str, Any]]:
    """(repository, issue, its timeline, a comment) as the sandbox's REST API serves them: a closed issue,
    so its timeline holds state changes."""
    with running_sandbox(engineers=3, repos=2, days=14) as server:
        closed = max(issue_book(server.org).all_issues(), key=lambda issue: len(issue.events))
        assert closed.events, "the org holds an issue with a closed event"
        repo = f"{server.org.login}/{closed.repo}"
        headers = {"Authorization": f"token {SANDBOX_TOKEN}"}
        with httpx.Client(base_url=server.github_api_url, headers=headers) as http:
            issue = http.get(f"/repos/{repo}/issues/{closed.number}").raise_for_status().json()
            timeline = http.get(f"/repos/{repo}/issues/{closed.number}/timeline").raise_for_status().json()
            comments = http.get(f"/repos/{repo}/issues/comments").raise_for_status().json()
    return repo, issue, timeline, comments[0]


def _issue_rows(
    template: tuple[str, dict[str, Any], list[Any], dict[str, Any]], day: dt.date, first: int, count: int
) -> Iterator[dict[str, Any]]:
    repo, issue, timeline, _ = template
    for number in range(first, first + count):
        payload = {**issue, "id": number, "node_id": f"I_{number}", "number": number}
        yield IssueRecord(day, repo, number, f"I_{number}", number, "rest", payload, timeline).raw_row(
            FETCHED
        )


def _comment_rows(
    template: tuple[str, dict[str, Any], list[Any], dict[str, Any]], day: dt.date, first: int, count: int
) -> Iterator[dict[str, Any]]:
    repo, _, _, comment = template
    for number in range(first, first + count):
        payload = {**comment, "id": number, "node_id": f"IC_{number}"}
        yield CommentRecord(day, repo, number, number, "rest", payload).raw_row(FETCHED)


def _peak_while_staging(conn: Connection, days: list[dt.date]) -> tuple[int, int]:
    """(issues staged, peak traced bytes) of one staging run, rolled back."""
    transaction = conn.begin()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        landed = stage_issues(conn, days)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        transaction.rollback()
    return landed.rows, peak


def test_staging_four_times_the_issues_peaks_at_about_the_same_memory(
    warehouse: WarehouseResource,
    sandbox_issue: tuple[str, dict[str, Any], list[Any], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(payload_staging, "BATCH_ROWS", BATCH_ROWS)
    warm_up, *days = [DAY + dt.timedelta(days=i) for i in range(5)]
    with warehouse.begin() as conn:  # a few issues the first day, then N issues and N comments a day
        for i, day in enumerate([warm_up, *days]):
            count, first = (10, 0) if day == warm_up else (N, i * N)
            replace_partitions(
                conn, "raw.github_issues", "partition_date", [day], ISSUE_COLUMNS,
                _issue_rows(sandbox_issue, day, first + 1, count),
            )  # fmt: skip
            replace_partitions(
                conn, "raw.github_issue_comments", "partition_date", [day], COMMENT_COLUMNS,
                _comment_rows(sandbox_issue, day, first + 1, count),
            )  # fmt: skip
    with warehouse.connect() as conn:
        _peak_while_staging(conn, [warm_up])  # compiled statements and caches are not the window's
        small, small_peak = _peak_while_staging(conn, days[:1])
        large, large_peak = _peak_while_staging(conn, days)
    assert (small, large) == (N, 4 * N)
    assert large_peak < 1.5 * small_peak, (
        f"{small} issues peaked at {small_peak:,} B, {large} at {large_peak:,} B"
    )


def _versions(template: tuple[str, dict[str, Any], list[Any], dict[str, Any]]) -> list[dict[str, Any]]:
    """Five versions of each of four issues, shuffled over three days: later and earlier ``updated_at``,
    and two versions equal in (updated_at, fetched_at) that differ by title (the one read last wins)."""
    repo, issue, timeline, _ = template
    rows = []
    for number in range(1, 5):
        for version, hours in enumerate((1, 3, 2, 3, 0)):
            payload = copy.deepcopy(issue)
            updated = dt.datetime(2026, 6, 10, tzinfo=dt.UTC) + dt.timedelta(hours=hours)
            payload.update(
                id=number,
                node_id=f"I_{number}",
                number=number,
                title=f"issue {number} version {version}",
                updated_at=updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            day = DAY + dt.timedelta(days=random.Random(number * 10 + version).randrange(3))
            rows.append(IssueRecord(day, repo, number, f"I_{number}", number, "rest", payload, timeline))
    random.Random(7).shuffle(rows)
    return [record.raw_row(FETCHED) for record in rows]


def _staged(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [dict(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}")).mappings()]  # noqa: S608
        for table, key in STAGED
    }


def test_merging_in_batches_leaves_what_one_merge_leaves(
    warehouse: WarehouseResource,
    sandbox_issue: tuple[str, dict[str, Any], list[Any], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = _versions(sandbox_issue)
    days = sorted({row["partition_date"] for row in rows})
    with warehouse.begin() as conn:
        replace_partitions(conn, "raw.github_issues", "partition_date", days, ISSUE_COLUMNS, rows)
    staged = {}
    for batch_rows in (len(rows), 3):  # one batch, then seven
        monkeypatch.setattr(payload_staging, "BATCH_ROWS", batch_rows)
        with warehouse.connect() as conn:
            transaction = conn.begin()
            assert stage_issues(conn, days).rows == len(rows)
            staged[batch_rows] = _staged(conn)
            transaction.rollback()
    assert staged[3] == staged[len(rows)]
    read = sorted(rows, key=lambda row: row["partition_date"])  # raw is read by day, then as loaded
    newest = {}
    for row in read:  # a version replaces one older or equal: the newest wins, of equal ones the last read
        key, updated = row["issue_node_id"], row["payload"].value["updated_at"]
        if key not in newest or updated >= newest[key][0]:
            newest[key] = (updated, row["payload"].value["title"])
    assert [row["title"] for row in staged[3]["staging.github_issues"]] == [
        title for _, (_, title) in sorted(newest.items())
    ]
