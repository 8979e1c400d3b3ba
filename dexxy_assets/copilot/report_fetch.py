"""Copilot usage-metrics reports: ask GitHub for a day's report, then download its NDJSON files.

The download links are pre-signed and may point at another host, so they are fetched without the token.
A day with no report (before the metrics existed, Copilot off, not yet produced) is a 404: the partition
is then empty, with the reason in its metadata, rather than a failure. A 403 or 422, or a 404 that the seats
endpoint confirms, means Copilot is unavailable for the whole org (copilot_access.py): no more days are asked.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from dexxy_assets.copilot.copilot_access import probe, unavailable_reason
from resources.github_client import GitHubClient
from resources.github_errors import GitHubError, GitHubNotFoundError
from resources.github_names import api_path


@dataclass
class DayReport:
    day: dt.date
    lines: list[Any] = field(default_factory=list)  # parsed objects, or {"unparseable_line": text}
    missing_reason: str | None = None


def fetch_org_reports(
    client: GitHubClient, org: str, kind: str, days: list[dt.date]
) -> tuple[list[DayReport], str | None]:
    """Each day's report of one org, or no reports and the reason Copilot is unavailable there. The first
    404 costs one more request (the seats endpoint) to tell "no report that day" from "no Copilot"."""
    reports: list[DayReport] = []
    probed = False
    for day in days:
        try:
            report = fetch_report(client, org, kind, day)
        except GitHubError as exc:
            reason = unavailable_reason(org, exc)
            if reason is None:
                raise
            return [], reason
        if report.missing_reason and not probed:
            probed = True
            if (reason := probe(client, org)) is not None:
                return [], reason
        reports.append(report)
    return reports, None


def fetch_report(client: GitHubClient, org: str, kind: str, day: dt.date) -> DayReport:
    try:
        path = api_path("orgs", org, "copilot", "metrics", "reports", kind)
        answer = client.get(path, {"day": day.isoformat()})
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
