"""Landing fetched pull requests: raw partitions replaced, staging merged newest-wins, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from dexxy_assets.github import staging_rows
from dexxy_assets.github.rest_fetch import FetchedPullRequest
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb, replace_partitions, upsert
from resources.sql_template import render_sql

RAW_PR_COLUMNS = ["partition_date", "repo_full_name", "pr_id", "pr_number", "fetched_at", "payload"]
RAW_REVIEW_COLUMNS = [*RAW_PR_COLUMNS[:4], "review_id", "fetched_at", "payload"]
RAW_COMMIT_COLUMNS = [*RAW_PR_COLUMNS[:4], "sha", "fetched_at", "payload"]

# Child rows older than their pull request's current version were replaced upstream (force-push,
# deleted review) and go.
_DELETE_STALE_CHILDREN = """
DELETE FROM {{ table | ident }} AS child
USING staging.github_pull_requests AS pr
WHERE child.pr_id = pr.pr_id
  AND child.pr_id = ANY(:pr_ids)
  AND (child.pr_updated_at, child.fetched_at) < (pr.updated_at, pr.fetched_at)
"""


@dataclass
class PullRequestProblems:
    pull_requests: ProblemLog = field(default_factory=ProblemLog)
    reviews: ProblemLog = field(default_factory=ProblemLog)
    commits: ProblemLog = field(default_factory=ProblemLog)


@dataclass
class LoadedCounts:
    raw_rows: int = 0
    staged_rows: int = 0
    per_partition: Counter[dt.date] = field(default_factory=Counter)


@dataclass
class PullRequestLoadResult:
    pull_requests: LoadedCounts = field(default_factory=LoadedCounts)
    reviews: LoadedCounts = field(default_factory=LoadedCounts)
    commits: LoadedCounts = field(default_factory=LoadedCounts)


def load_pull_requests(
    conn: Connection,
    fetched: list[FetchedPullRequest],
    partitions: list[dt.date],
    fetched_at: dt.datetime,
    problems: PullRequestProblems,
) -> PullRequestLoadResult:
    """Replace ``partitions`` in raw with ``fetched`` and merge what parses into staging."""
    result = PullRequestLoadResult()
    raw_prs, raw_reviews, raw_commits = [], [], []
    stg_prs, stg_reviews, stg_commits = [], [], []
    for pr in fetched:
        day = pr.listing.updated_at.date()
        repo = pr.listing.repo_full_name
        pr_row = staging_rows.pull_request_row(pr.detail, repo, day, fetched_at, problems.pull_requests)
        pr_id = pr_row["pr_id"] if pr_row else _int_or_none(pr.detail.get("id"))
        keys = {"partition_date": day, "repo_full_name": repo, "pr_id": pr_id, "pr_number": pr.listing.number}
        raw_prs.append({**keys, "fetched_at": fetched_at, "payload": Jsonb(pr.detail)})
        result.pull_requests.per_partition[day] += 1
        for review in pr.reviews:
            review_id = _int_or_none(review.get("id")) if isinstance(review, dict) else None
            raw_reviews.append(
                {**keys, "review_id": review_id, "fetched_at": fetched_at, "payload": Jsonb(review)}
            )
            result.reviews.per_partition[day] += 1
            if pr_row and (row := staging_rows.review_row(review, pr_row, fetched_at, problems.reviews)):
                stg_reviews.append(row)
        for commit in pr.commits:
            sha = commit.get("sha") if isinstance(commit, dict) else None
            raw_commits.append({**keys, "sha": sha, "fetched_at": fetched_at, "payload": Jsonb(commit)})
            result.commits.per_partition[day] += 1
            if pr_row and (row := staging_rows.commit_row(commit, pr_row, fetched_at, problems.commits)):
                stg_commits.append(row)
        if pr_row:
            stg_prs.append(pr_row)
        else:  # children of an unkeyable PR stay in raw only
            for _ in pr.reviews:
                problems.reviews.add("review.parent_unkeyed", day)
            for _ in pr.commits:
                problems.commits.add("commit.parent_unkeyed", day)

    result.pull_requests.raw_rows = replace_partitions(
        conn, "raw.github_pull_requests", "partition_date", partitions, RAW_PR_COLUMNS, raw_prs
    )
    result.reviews.raw_rows = replace_partitions(
        conn, "raw.github_reviews", "partition_date", partitions, RAW_REVIEW_COLUMNS, raw_reviews
    )
    result.commits.raw_rows = replace_partitions(
        conn, "raw.github_commits", "partition_date", partitions, RAW_COMMIT_COLUMNS, raw_commits
    )
    version = ["updated_at", "fetched_at"]
    child_version = ["pr_updated_at", "fetched_at"]
    result.pull_requests.staged_rows = _upsert_rows(
        conn, "staging.github_pull_requests", stg_prs, ["pr_id"], version
    )
    result.reviews.staged_rows = _upsert_rows(
        conn, "staging.github_pr_reviews", stg_reviews, ["review_id"], child_version
    )
    result.commits.staged_rows = _upsert_rows(
        conn, "staging.github_pr_commits", stg_commits, ["pr_id", "sha"], child_version
    )
    pr_ids = [row["pr_id"] for row in stg_prs]
    for table in ("staging.github_pr_reviews", "staging.github_pr_commits"):
        conn.execute(text(render_sql(_DELETE_STALE_CHILDREN, table=table)), {"pr_ids": pr_ids})
    return result


def _upsert_rows(conn: Connection, table: str, rows: list[dict], keys: list[str], version: list[str]) -> int:
    if not rows:
        return 0
    return upsert(conn, table, list(rows[0].keys()), rows, keys, version)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
