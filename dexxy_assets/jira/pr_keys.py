"""Every Jira key each pull request names, derived from staging (title, branch, body) and re-derived from
there when the extraction rules change: no GitHub call needed."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection, text

from dexxy_assets.processing import jira_links
from resources.bulk_load import copy_rows, lock_partitions

RULE_VERSION = hashlib.sha256(Path(jira_links.__file__).read_bytes()).hexdigest()[:12]
_PULLS = text(
    "SELECT pr_id, partition_date, title, head_ref, body FROM staging.github_pull_requests "
    "WHERE partition_date = ANY(:days)"
)
_DELETE = text(
    "DELETE FROM processing.pr_jira_keys WHERE partition_date = ANY(:days) "
    "OR pr_id IN (SELECT pr_id FROM staging.github_pull_requests WHERE partition_date = ANY(:days))"
)
COLUMNS = ("pr_id", "jira_key", "key_rank", "partition_date", "rule_version")


def derive_pr_jira_keys(conn: Connection, days: Sequence[dt.date]) -> int:
    """Replace the keys of the pull requests staged in ``days``; return how many (pr, key) rows."""
    lock_partitions(conn, "processing.pr_jira_keys", days)
    pulls = conn.execute(_PULLS, {"days": list(days)}).all()
    conn.execute(_DELETE, {"days": list(days)})
    rows = (
        {
            "pr_id": pr_id,
            "jira_key": key,
            "key_rank": rank,
            "partition_date": day,
            "rule_version": RULE_VERSION,
        }
        for pr_id, day, title, branch, body in pulls
        for rank, key in enumerate(jira_links.extract_jira_keys(title, branch, body), start=1)
    )
    return copy_rows(conn, "processing.pr_jira_keys", COLUMNS, rows)
