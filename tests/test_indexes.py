"""The daily steps, the models and BI joins read through indexes, not by scanning all history.

A realistic warehouse is generated in SQL (pull requests over 180 days with their commits, reviews, comments
and check runs, in staging and analytics), analysed, and the key queries are planned with
EXPLAIN (FORMAT JSON). docs/performance.md shows the same plans at the goal's scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from dexxy_assets.processing import ai_detection_asset, llm_summary_asset
from resources.warehouse import WarehouseResource

PULL_REQUESTS = 20_000
DAYS = 180
FIRST_DAY = dt.date(2026, 1, 1)

# Rows as the loads shape them: a pull request per (id), children per pull request. Only the columns the
# queries touch carry realistic values; the rest satisfy NOT NULL.
GENERATE = [
    """
    INSERT INTO staging.github_pull_requests (
        pr_id, repo_full_name, pr_number, title, body, head_ref, author_login, author_is_bot, labels,
        merge_commit_sha, created_at, updated_at, merged_at, partition_date, fetched_at)
    SELECT i, 'acme/repo-' || (i % 30), i, 'Change ' || i, repeat('text ', 40), 'feature/' || i,
           'dev' || (i % 200), false, '{}', md5(i::text),
           day - interval '2 days', day, day - interval '1 hour', day::date, day
    FROM (SELECT i, :first_day + (i % :days) * interval '1 day' + interval '12 hours' AS day
          FROM generate_series(1, :prs) AS i) AS g
    """,
    """
    INSERT INTO staging.github_pr_commits (
        pr_id, sha, repo_full_name, pr_number, message, authored_at, committed_at, pr_updated_at, fetched_at)
    SELECT p.pr_id, md5(p.pr_id || '-' || n), p.repo_full_name, p.pr_number, 'commit ' || n,
           p.created_at + n * interval '1 hour', p.created_at + n * interval '1 hour',
           p.updated_at, p.fetched_at
    FROM staging.github_pull_requests AS p, generate_series(1, 5) AS n
    """,
    """
    INSERT INTO analytics.pull_requests (
        pr_id, repository, pr_number, state, is_draft, is_bot, review_count,
        created_at, merged_at, updated_at)
    SELECT pr_id, repo_full_name, pr_number, 'merged', false, false, 2, created_at, merged_at, updated_at
    FROM staging.github_pull_requests
    """,
    """
    INSERT INTO analytics.pr_reviews (
        review_id, pr_id, repository, pr_number, reviewer_is_bot, is_self_review, state, submitted_at)
    SELECT p.pr_id * 10 + n, p.pr_id, p.repository, p.pr_number, false, false, 'APPROVED', p.created_at
    FROM analytics.pull_requests AS p, generate_series(1, 3) AS n
    """,
    """
    INSERT INTO analytics.pr_comments (
        comment_id, comment_kind, pr_id, repository, pr_number, author_is_bot, is_pr_author, created_at)
    SELECT p.pr_id * 10 + n, 'issue', p.pr_id, p.repository, p.pr_number, false, false, p.created_at
    FROM analytics.pull_requests AS p, generate_series(1, 4) AS n
    """,
    """
    INSERT INTO analytics.pr_check_runs (check_run_id, pr_id, repository, pr_number, name, conclusion)
    SELECT p.pr_id * 10 + n, p.pr_id, p.repository, p.pr_number, 'check ' || n, 'success'
    FROM analytics.pull_requests AS p, generate_series(1, 4) AS n
    """,
]
TABLES = (
    "staging.github_pull_requests",
    "staging.github_pr_commits",
    "analytics.pull_requests",
    "analytics.pr_reviews",
    "analytics.pr_comments",
    "analytics.pr_check_runs",
)
ONE_DAY = {"days": [FIRST_DAY + dt.timedelta(days=40)]}
PR = 12_345


def _plan(conn: Connection, query: Any, params: dict[str, Any]) -> dict[str, Any]:
    statement = query.text if hasattr(query, "text") else query
    row = conn.execute(text(f"EXPLAIN (FORMAT JSON, VERBOSE) {statement}"), params).scalar_one()
    return row[0]["Plan"]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _scans(plan: dict[str, Any]) -> dict[str, set[str]]:
    """{table: {node types reading it}} and, under "indexes", every index used."""
    found: dict[str, set[str]] = {"indexes": set()}
    for node in _nodes(plan):
        if "Relation Name" in node:
            found.setdefault(f"{node['Schema']}.{node['Relation Name']}", set()).add(node["Node Type"])
        if "Index Name" in node:
            found["indexes"].add(node["Index Name"])
    return found


SINCE = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=DAYS - 7), dt.time(), dt.UTC)
# (what reads, the query, its parameters, the big table that must not be scanned, the index it must use)
KEY_QUERIES: list[tuple[str, Any, dict[str, Any], str, str]] = [
    (
        "daily AI detection: one day's pull requests",
        ai_detection_asset._PULL_REQUESTS,
        ONE_DAY,
        "staging.github_pull_requests",
        "stg_github_pull_requests_partition_idx",
    ),
    (
        "daily LLM step: one day's pull requests",
        llm_summary_asset._PULL_REQUESTS,
        ONE_DAY,
        "staging.github_pull_requests",
        "stg_github_pull_requests_partition_idx",
    ),
    (
        "daily LLM step: their commits",
        llm_summary_asset._PULL_REQUESTS,
        ONE_DAY,
        "staging.github_pr_commits",
        "stg_github_pr_commits_pr_committed_idx",
    ),
    (
        "int_pr_review_rounds / commits_after_first_review: a pull request's commits after a time",
        "SELECT min(c.committed_at) FROM staging.github_pr_commits AS c "
        "WHERE c.pr_id = :pr AND c.committed_at > :after",
        {"pr": PR, "after": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        "staging.github_pr_commits",
        "stg_github_pr_commits_pr_committed_idx",
    ),
    (
        "int_pr_deployments: a deployed commit's pull request",
        "SELECT pr_id FROM staging.github_pull_requests "
        "WHERE merge_commit_sha = :sha AND repo_full_name = :repo",
        {"sha": "0" * 32, "repo": "acme/repo-1"},
        "staging.github_pull_requests",
        "stg_github_pull_requests_merge_commit_idx",
    ),
    *(
        (
            f"BI: a day's pull requests joined to {child}",
            "SELECT p.repository, count(*) FROM analytics.pull_requests AS p "  # noqa: S608 - fixed names
            f"JOIN analytics.{child} AS c ON c.pr_id = p.pr_id "
            "WHERE p.created_at >= :since AND p.created_at < :since + interval '1 day' "
            "GROUP BY p.repository",
            {"since": SINCE},
            f"analytics.{child}",
            f"{child}_pr_idx",
        )
        for child in ("pr_reviews", "pr_comments", "pr_check_runs")
    ),
]


def test_key_queries_read_through_indexes_not_all_history(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        for statement in GENERATE:
            conn.execute(text(statement), {"first_day": FIRST_DAY, "days": DAYS, "prs": PULL_REQUESTS})
        for table in TABLES:
            conn.exec_driver_sql(f"ANALYZE {table}")
    wrong = []
    with warehouse.connect() as conn:
        for reader, query, params, table, index in KEY_QUERIES:
            scans = _scans(_plan(conn, query, params))
            if "Seq Scan" in scans.get(table, set()) or index not in scans["indexes"]:
                wrong.append(f"{reader}: {table} read by {scans.get(table)}, indexes {scans['indexes']}")
    assert wrong == []
