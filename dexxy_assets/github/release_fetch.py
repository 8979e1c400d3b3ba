"""Releases created in a window: ``/repos/{repo}/releases`` lists them newest first (by creation), so the
listing stops at the first page that reaches back before the window."""

from __future__ import annotations

import datetime as dt

from dexxy_assets.github.workflow_run_fetch import FetchedRecord, placed
from dexxy_assets.payload_fields import parse_timestamp
from resources.github_client import GitHubClient


def fetch_releases(
    client: GitHubClient, repo: str, start: dt.datetime, end: dt.datetime
) -> list[FetchedRecord]:
    """Every release of ``repo`` created in [start, end); one whose date cannot be read lands on the first
    day of the window (staging counts it)."""
    found: list[FetchedRecord] = []
    for page in client.pages(f"repos/{repo}/releases"):
        oldest = None
        for payload in page:
            created = parse_timestamp(payload.get("created_at")) if isinstance(payload, dict) else None
            if created is None or start <= created < end:
                found.append(placed(repo, payload, start))
            if created is not None:
                oldest = created if oldest is None else min(oldest, created)
        if oldest is not None and oldest < start:
            break
    return found
