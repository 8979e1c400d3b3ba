"""One fetch per run window: the issues updated in the window's UTC days (JQL literals in the API user's
zone, exact ``updated`` filtered here), with their changelogs, comments and worklogs completed by the bulk
and paged endpoints, as raw rows per UTC day of ``updated`` (children in their issue's partition)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb
from resources.jira import JiraScope
from resources.jira_client import JiraClient
from resources.jira_time_window import jql_window, parse_jira_time

Json = dict[str, Any]
# raw child table -> (id column, where the list sits in the issue: (container path), items key)
CHILDREN = {
    "raw.jira_changelogs": ("history_id", ("changelog",), "histories"),
    "raw.jira_comments": ("comment_id", ("fields", "comment"), "comments"),
    "raw.jira_worklogs": ("worklog_id", ("fields", "worklog"), "worklogs"),
}


@dataclass(frozen=True)
class Narrowing:
    """An onboarding run: one project, or one watched person, instead of the whole scope."""

    project: str | None = None
    user: str | None = None


@dataclass
class FetchedWindow:
    """Raw rows by table, the days they fall in, and per-day issue counts."""

    rows: dict[str, list[Json]] = field(default_factory=dict)
    per_day: Counter[dt.date] = field(default_factory=Counter)
    truncated_lists: int = 0
    problems: ProblemLog = field(default_factory=ProblemLog)


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)


def build_jql(scope: JiraScope, narrowing: Narrowing, window_clause: str) -> str:
    """``project in (...)`` [AND the watchlist] AND the window. Keys are validated; people are quoted."""
    projects = (narrowing.project,) if narrowing.project else scope.projects
    people = (narrowing.user,) if narrowing.user else scope.tracked_users
    clauses = [f"project in ({', '.join(projects)})"]
    if people:
        clauses.append(f"(assignee in ({_quoted(people)}) OR reporter in ({_quoted(people)}))")
    clauses.append(window_clause)
    return " AND ".join(clauses) + " ORDER BY id"


def _as_landed(issue: Json) -> Json:
    """The issue as Jira answered it: copies of the embedded list holders, which completion rewrites."""
    fields = dict(issue.get("fields") or {})
    for name in ("comment", "worklog"):
        if isinstance(fields.get(name), dict):
            fields[name] = dict(fields[name])
    landed = {**issue, "fields": fields}
    if isinstance(issue.get("changelog"), dict):
        landed["changelog"] = dict(issue["changelog"])
    return landed


def _holder(issue: Json, path: tuple[str, ...]) -> Any:
    node: Any = issue
    for step in path:
        node = node.get(step) if isinstance(node, dict) else None
    return node


def fetch_window(
    client: JiraClient,
    scope: JiraScope,
    narrowing: Narrowing,
    start: dt.datetime,
    end: dt.datetime,
    site: str,
    fetched_at: dt.datetime,
) -> FetchedWindow:
    window = jql_window(start, end, client.time_zone())
    jql = build_jql(scope, narrowing, window.clause())
    issues = client.search(jql, ("*all",), expand=("changelog",))
    first_day = start.astimezone(dt.UTC).date()
    out = FetchedWindow(rows={"raw.jira_issues": [], **{t: [] for t in CHILDREN}})
    kept: list[tuple[Json, Json, dt.date]] = []
    for issue in issues:
        updated_text = _holder(issue, ("fields", "updated"))
        try:
            updated = parse_jira_time(updated_text) if isinstance(updated_text, str) else None
        except ValueError:
            updated = None
        if updated is None:  # kept in raw (on the window's first day) and counted
            out.problems.add("jira_issue.updated_missing", first_day, issue.get("key"))
            day = first_day
        elif not window.contains(updated):
            continue  # the literals' minute-wide edge: another window's issue
        else:
            day = updated.astimezone(dt.UTC).date()
        kept.append((issue, _as_landed(issue), day))
    client.complete_embedded([issue for issue, _, _ in kept])
    for issue, landed, day in kept:
        issue_id = _int(issue.get("id"))
        project = _holder(issue, ("fields", "project", "key"))
        out.rows["raw.jira_issues"].append(
            {"site": site, "issue_id": issue_id, "issue_key": issue.get("key"), "project_key": project,
             "partition_date": day, "fetched_at": fetched_at, "payload": Jsonb(landed)}
        )  # fmt: skip
        out.per_day[day] += 1
        for table, (id_column, path, items_key) in CHILDREN.items():
            completed, original = _holder(issue, path), _holder(landed, path)
            items = completed.get(items_key) if isinstance(completed, dict) else None
            before = original.get(items_key) if isinstance(original, dict) else None
            if not isinstance(items, list) or items is before:
                continue  # not truncated: the embedded list is the whole list
            out.truncated_lists += 1
            out.rows[table].extend(
                {"site": site, "issue_id": issue_id, id_column: _int(item.get("id")), "partition_date": day,
                 "fetched_at": fetched_at, "payload": Jsonb(item)}
                for item in items
                if isinstance(item, dict)
            )  # fmt: skip
    return out


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
