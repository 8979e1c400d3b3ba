"""analytics.commits: merge commits and Co-authored-by trailers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from resources.bulk_load import upsert
from resources.warehouse import WarehouseResource
from tests.github_runs import materialize_unpartitioned

MESSAGE = """Add retry to the sync

Long description.

Co-authored-by: Claude <noreply@anthropic.com>
co-authored-by:   Devin Smith <devin@example.com>
Not-a-trailer: Co-authored-by: nobody
"""


def test_co_authors_and_merge_commits(warehouse: WarehouseResource) -> None:
    when = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    rows = [
        {
            "pr_id": 1,
            "sha": "a" * 40,
            "repo_full_name": "acme/api",
            "pr_number": 1,
            "message": MESSAGE,
            "parents_count": 1,
            "pr_updated_at": when,
            "fetched_at": when,
        },
        {
            "pr_id": 1,
            "sha": "b" * 40,
            "repo_full_name": "acme/api",
            "pr_number": 1,
            "message": None,
            "parents_count": 2,
            "pr_updated_at": when,
            "fetched_at": when,
        },
    ]
    with warehouse.begin() as conn:
        upsert(conn, "staging.github_pr_commits", list(rows[0]), rows, ["pr_id", "sha"])
    assert materialize_unpartitioned(warehouse, "key:analytics/commits").success
    with warehouse.connect() as conn:
        commits = {r.sha[0]: r for r in conn.execute(text("SELECT * FROM analytics.commits"))}
    assert commits["a"].co_authors == ["Claude <noreply@anthropic.com>", "Devin Smith <devin@example.com>"]
    assert commits["a"].message_headline == "Add retry to the sync"
    assert not commits["a"].is_merge_commit
    assert (
        commits["b"].is_merge_commit and commits["b"].co_authors == [] and commits["b"].message_headline == ""
    )
