"""The filters a BI dashboard puts on the analytics tables (a week, a repository, a member) have an index
to use. Planned with sequential scans priced out, so the answer does not depend on the table's size: a
filter without a usable index still scans."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from resources.warehouse import WarehouseResource

WEEK = {"monday": dt.datetime(2026, 3, 2, tzinfo=dt.UTC), "next": dt.datetime(2026, 3, 9, tzinfo=dt.UTC)}

# (the filter, the query, the index it must read through)
FILTERS: list[tuple[str, str, str]] = [
    (
        "a repository's merges in a week",
        "SELECT count(*) FROM analytics.pull_requests WHERE repository = 'acme/api' AND "
        "merged_at >= :monday AND merged_at < :next",
        "pull_requests_repository_merged_idx",
    ),
    (
        "a member's merges in a week",
        "SELECT count(*) FROM analytics.pull_requests WHERE author_id = 7 AND "
        "merged_at >= :monday AND merged_at < :next",
        "pull_requests_author_merged_idx",
    ),
    (
        "reviews submitted in a week",
        "SELECT count(*) FROM analytics.pr_reviews WHERE submitted_at >= :monday AND submitted_at < :next",
        "pr_reviews_submitted_idx",
    ),
    (
        "a member's reviews in a week",
        "SELECT count(*) FROM analytics.pr_reviews WHERE reviewer_id = 7 AND "
        "submitted_at >= :monday AND submitted_at < :next",
        "pr_reviews_reviewer_submitted_idx",
    ),
    (
        "a member's comments in a week",
        "SELECT count(*) FROM analytics.pr_comments WHERE author_id = 7 AND "
        "created_at >= :monday AND created_at < :next",
        "pr_comments_author_created_idx",
    ),
    (
        "a repository's commits in a week",
        "SELECT count(*) FROM analytics.commits WHERE repository = 'acme/api' AND "
        "committed_at >= :monday AND committed_at < :next",
        "commits_repository_committed_idx",
    ),
    (
        "deployments in a week",
        "SELECT count(*) FROM analytics.deployments WHERE created_at >= :monday AND created_at < :next",
        "deployments_created_idx",
    ),
    (
        "a pull request author's profile",
        "SELECT github_login FROM analytics.team_members WHERE github_id = 7",
        "team_members_github_id_idx",
    ),
    (
        "a member's AI usage in a week",
        "SELECT sum(code_acceptance_activity_count) FROM analytics.ai_usage_daily "
        "WHERE member_id = 7 AND day >= '2026-03-02' AND day < '2026-03-09'",
        "ai_usage_daily_member_day_idx",
    ),
    (
        "Jira issues done in a week",
        "SELECT count(*) FROM analytics.jira_issues WHERE done_at >= :monday AND done_at < :next",
        "jira_issues_done_idx",
    ),
    (
        "a member's Jira issues done in a week",
        "SELECT count(*) FROM analytics.jira_issues WHERE assignee_member_id = 7 AND "
        "done_at >= :monday AND done_at < :next",
        "jira_issues_assignee_done_idx",
    ),
    (
        "a member's worklogs in a week",
        "SELECT sum(hours) FROM analytics.jira_worklogs WHERE author_member_id = 7 AND "
        "started_at >= :monday AND started_at < :next",
        "jira_worklogs_author_started_idx",
    ),
    (
        "pull requests of a Jira issue",
        "SELECT pr_id FROM analytics.pr_jira_links WHERE issue_id = 7",
        "pr_jira_links_issue_idx",
    ),
    (
        "every repository's linkage in a week",
        "SELECT avg(linkage_rate) FROM analytics.jira_linkage_weekly WHERE week_start = '2026-03-02'",
        "jira_linkage_weekly_week_idx",
    ),
]


def indexes_read(conn: Connection, query: str) -> set[str]:
    plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {query}"), WEEK).scalar_one()[0]["Plan"]
    return {node["Index Name"] for node in _nodes(plan) if "Index Name" in node}


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def test_bi_filters_read_through_an_index(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        missing = [
            f"{what}: reads {indexes_read(conn, query) or 'no index'}, wants {index}"
            for what, query, index in FILTERS
            if index not in indexes_read(conn, query)
        ]
    assert missing == []
