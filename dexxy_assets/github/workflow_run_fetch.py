"""GitHub Actions workflow runs created in a window, for the repositories a deployment rule covers.

One listing per repository and window: ``/repos/{repo}/actions/runs?created=FIRST..LAST`` (UTC days), 100 a
page, every run of every workflow: raw keeps them all, so a rule change re-stages without an API call.
GitHub stops a filtered listing at 1,000 runs; a repository with more runs than that in one day loses the
rest, which the asset counts as a problem (``truncated_listing``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dexxy_assets.payload_fields import parse_timestamp
from dexxy_assets.problems import ProblemLog
from resources.github_client import GitHubClient

LISTING_CAP = 1000


@dataclass(frozen=True)
class FetchedRecord:
    """A payload as the API returned it and the day it belongs to (its ``created_at``; the window's first
    day when that cannot be read: staging counts it)."""

    repo_full_name: str
    day: dt.date
    record_id: int | None
    payload: Any


def record_id(payload: Any) -> int | None:
    value = payload.get("id") if isinstance(payload, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def placed(repo: str, payload: Any, start: dt.datetime) -> FetchedRecord:
    created = parse_timestamp(payload.get("created_at")) if isinstance(payload, dict) else None
    return FetchedRecord(repo, (created or start).astimezone(dt.UTC).date(), record_id(payload), payload)


def fetch_workflow_runs(
    client: GitHubClient, repo: str, start: dt.datetime, end: dt.datetime, problems: ProblemLog
) -> list[FetchedRecord]:
    """Every run of ``repo`` created in [start, end) (whole UTC days)."""
    last_day = (end - dt.timedelta(microseconds=1)).date()
    created = f"{start.date().isoformat()}..{last_day.isoformat()}"
    found = [
        placed(repo, payload, start)
        for page in client.pages(
            f"repos/{repo}/actions/runs", {"created": created}, items_key="workflow_runs"
        )
        for payload in page
    ]
    if len(found) >= LISTING_CAP:
        problems.add("truncated_listing", start.date(), {"repo": repo, "created": created})
    return found
