"""Which partitions a webhook event touches: pure functions from (provider, event, payload) to the daily
partitions of an entity family, found the way the nightly sync files the object.

- GitHub pull requests (and their reviews, commits, files, check runs, comments) live in the partition of
  the pull request's ``updated_at`` day. A review, a comment or a push updates the pull request, so the
  event's latest timestamp is that day; check runs, check suites and workflow runs say which day they
  finished. GitHub's ``issue_comment`` on a pull request counts here.
- GitHub issues (and their comments) live in the partition of the issue's ``updated_at`` day: ``issues``, and
  ``issue_comment`` on an issue; a transferred issue touches its new copy's day too. Discussions (and their
  comments) likewise: ``discussion``, ``discussion_comment`` (a deleted discussion is found by the
  discussions asset's node lookup, on the day refreshed).
- GitHub deployments live in the partition of the deployment's ``created_at`` day (its statuses with it).
- Jira issues (comments, worklogs, changelog) live in the partition of the issue's ``updated`` day; a comment
  or worklog updates its issue.

An event without a usable timestamp falls back to the day it was received (the nightly sync re-reads
yesterday and today, so a late or odd event is still caught). Events not listed touch nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dexxy_assets.payload_fields import dig, parse_timestamp

GITHUB_PULL_REQUESTS = "github_pull_requests"
GITHUB_DEPLOYMENTS = "github_deployments"
GITHUB_ISSUES = "github_issues"
GITHUB_DISCUSSIONS = "github_discussions"
JIRA_ISSUES = "jira_issues"

# GitHub event → the payload paths whose timestamps date the touched pull request
_PULL_REQUEST_EVENTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "pull_request": (("pull_request", "updated_at"),),
    "pull_request_review": (("pull_request", "updated_at"), ("review", "submitted_at")),
    "pull_request_review_comment": (("pull_request", "updated_at"), ("comment", "updated_at")),
    "pull_request_review_thread": (("pull_request", "updated_at"),),
    "issue_comment": (("issue", "updated_at"), ("comment", "updated_at")),
    "push": (("head_commit", "timestamp"),),
    "check_run": (("check_run", "completed_at"), ("check_run", "started_at")),
    "check_suite": (("check_suite", "updated_at"),),
    "workflow_run": (("workflow_run", "updated_at"),),
}
_DEPLOYMENT_EVENTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "deployment": (("deployment", "created_at"),),
    "deployment_status": (("deployment", "created_at"),),
}
_ISSUE_EVENTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "issues": (("issue", "updated_at"),),
    "issue_comment": (("issue", "updated_at"), ("comment", "updated_at")),
}
_DISCUSSION_EVENTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "discussion": (("discussion", "updated_at"),),
    "discussion_comment": (("discussion", "updated_at"), ("comment", "updated_at")),
}
_JIRA_EVENT_PREFIXES = ("jira:issue_", "comment_", "worklog_")
_JIRA_PATHS = (("issue", "fields", "updated"), ("comment", "updated"), ("worklog", "updated"))


@dataclass(frozen=True, order=True)
class Touch:
    """An entity family's daily partition that an event changed."""

    source: str  # the registered source's name: github, jira
    family: str
    day: dt.date


def parse_moment(value: Any) -> dt.datetime | None:
    """ISO 8601 (GitHub's ``Z`` or offset, Jira's ``+0000``) or epoch seconds, as UTC; None when unusable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return parse_timestamp(value)


def latest_day(payload: Mapping[str, Any], paths: Iterable[tuple[str, ...]], fallback: dt.date) -> dt.date:
    """The UTC day of the latest timestamp found at ``paths``, else ``fallback``."""
    stamps = [s for s in (parse_moment(dig(payload, *p)) for p in paths) if s is not None]
    return max(stamps).astimezone(dt.UTC).date() if stamps else fallback


def touches(provider: str, event: str, payload: Mapping[str, Any], received_at: dt.datetime) -> list[Touch]:
    """The partitions an event changes (empty for events that change no synced entity)."""
    received = received_at.astimezone(dt.UTC).date()
    if provider == "github":
        on_issue = event == "issue_comment" and not isinstance(dig(payload, "issue", "pull_request"), dict)
        if event == "issues" or on_issue:
            return [Touch("github", GITHUB_ISSUES, day) for day in _issue_days(payload, event, received)]
        if event in _DISCUSSION_EVENTS:
            day = latest_day(payload, _DISCUSSION_EVENTS[event], received)
            return [Touch("github", GITHUB_DISCUSSIONS, day)]
        if event in _PULL_REQUEST_EVENTS:
            day = latest_day(payload, _PULL_REQUEST_EVENTS[event], received)
            return [Touch("github", GITHUB_PULL_REQUESTS, day)]
        if event in _DEPLOYMENT_EVENTS:
            day = latest_day(payload, _DEPLOYMENT_EVENTS[event], received)
            return [Touch("github", GITHUB_DEPLOYMENTS, day)]
        return []
    if provider == "jira" and event.startswith(_JIRA_EVENT_PREFIXES):
        stamp = payload.get("timestamp")  # when Jira sent it, epoch milliseconds
        sent = parse_moment(stamp / 1000) if _is_number(stamp) else None
        day = latest_day(payload, _JIRA_PATHS, sent.date() if sent else received)
        return [Touch("jira", JIRA_ISSUES, day)]
    return []


def _issue_days(payload: Mapping[str, Any], event: str, received: dt.date) -> list[dt.date]:
    """The issue's day; for a transfer also the new copy's, in the repository it moved to."""
    days = {latest_day(payload, _ISSUE_EVENTS[event], received)}
    if event == "issues" and isinstance(dig(payload, "changes", "new_issue"), dict):
        days.add(latest_day(payload, (("changes", "new_issue", "updated_at"),), received))
    return sorted(days)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
