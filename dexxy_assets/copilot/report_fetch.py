"""Copilot usage-metrics reports: ask GitHub for a day's report, then download its NDJSON files.

The download links are pre-signed and may point at another host, so they are fetched without the token.
A day with no report (before the metrics existed, Copilot off, not yet produced) is a 404: the partition
is then empty, with the reason in its metadata, rather than a failure.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from resources.github_client import GitHubClient
from resources.github_errors import GitHubNotFoundError


@dataclass
class DayReport:
    day: dt.date
    lines: list[Any] = field(default_factory=list)  # parsed objects, or {"unparseable_line": text}
    missing_reason: str | None = None


def fetch_report(client: GitHubClient, org: str, kind: str, day: dt.date) -> DayReport:
    try:
        answer = client.get(f"orgs/{org}/copilot/metrics/reports/{kind}", {"day": day.isoformat()})
    except GitHubNotFoundError as exc:
        return DayReport(day, missing_reason=f"no report: {exc}")
    links = answer.get("download_links") if isinstance(answer, dict) else None
    if not isinstance(links, list):
        return DayReport(day, missing_reason="the report answer had no download_links")
    report = DayReport(day)
    for link in links:
        report.lines += _parse_ndjson(client.download_text(str(link)))
    return report


def _parse_ndjson(text: str) -> list[Any]:
    lines = []
    for raw_line in text.splitlines():
        if not raw_line.strip():
            continue
        try:
            lines.append(json.loads(raw_line))
        except ValueError:
            lines.append({"unparseable_line": raw_line[:10_000]})
    return lines
