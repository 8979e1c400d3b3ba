"""Hand-made Jira payloads in Jira Cloud's shapes, and a helper that lands them in raw, stages them and
builds the Jira marts, for tests that need exact, small cases (reopen, skipped states, odd categories)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from dexxy_assets.analytics.mart_asset import rebuild_mart
from dexxy_assets.jira.staging_step import StagingResult, stage_jira_partitions, stage_jira_snapshots
from resources.bulk_load import Jsonb, replace_partitions

Json = dict[str, Any]
SITE = "https://example.atlassian.net"
SPRINT_FIELD = "customfield_10104"  # not the sandbox's id: the parsers must find it through /field
POINTS_FIELD = "customfield_10200"
FIELDS: list[Json] = [
    {"id": "summary", "name": "Summary", "custom": False, "schema": {"type": "string", "system": "summary"}},
    {"id": "status", "name": "Status", "custom": False, "schema": {"type": "status", "system": "status"}},
    {
        "id": SPRINT_FIELD,
        "name": "Sprint",
        "custom": True,
        "schema": {"type": "array", "items": "json", "custom": "com.pyxis.greenhopper.jira:gh-sprint"},
    },
    {
        "id": POINTS_FIELD,
        "name": "Story point estimate",
        "custom": True,
        "schema": {"type": "number", "custom": "com.pyxis.greenhopper.jira:jsw-story-points"},
    },
]
STATUSES = {  # id: (name, category)
    "1": ("To Do", "new"),
    "3": ("In Progress", "indeterminate"),
    "4": ("In Review", "indeterminate"),
    "5": ("Completed", "indeterminate"),  # a name that says done, in the In Progress category
    "6": ("Done", "done"),
}
T0 = dt.datetime(2026, 3, 2, 18, 15, tzinfo=dt.UTC)


def jira_time(at: dt.datetime) -> str:
    """Jira's platform format, in Pacific time and without a colon in the offset."""
    local = at.astimezone(dt.timezone(dt.timedelta(hours=-8)))
    return local.strftime("%Y-%m-%dT%H:%M:%S.000%z")


def hours(n: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


def user(account_id: str, name: str, email: str | None = None, active: bool = True) -> Json:
    body: Json = {"accountId": account_id, "displayName": name, "active": active, "accountType": "atlassian"}
    if email:
        body["emailAddress"] = email
    return body


def status_item(from_id: str, to_id: str) -> Json:
    return {
        "field": "status",
        "fieldtype": "jira",
        "fieldId": "status",
        "from": from_id,
        "fromString": STATUSES[from_id][0],
        "to": to_id,
        "toString": STATUSES[to_id][0],
    }


def sprint_item(before: list[int], after: list[int]) -> Json:
    return {
        "field": "Sprint",
        "fieldtype": "custom",
        "fieldId": SPRINT_FIELD,
        "from": ", ".join(map(str, before)) or None,
        "fromString": None,
        "to": ", ".join(map(str, after)) or None,
        "toString": None,
    }


def points_item(before: str | None, after: str | None) -> Json:
    return {
        "field": "Story point estimate",
        "fieldtype": "custom",
        "fieldId": POINTS_FIELD,
        "from": None,
        "fromString": before,
        "to": None,
        "toString": after,
    }


def history(history_id: int, at: dt.datetime, *items: Json) -> Json:
    return {"id": str(history_id), "created": jira_time(at), "items": list(items)}


def issue(
    issue_id: int,
    key: str,
    status_id: str,
    *,
    created: dt.datetime = T0,
    updated: dt.datetime | None = None,
    histories: list[Json] | None = None,
    points: Any = None,
    sprints: list[int] | None = None,
    assignee: Json | None = None,
    reporter: Json | None = None,
    resolved: dt.datetime | None = None,
    category: str | None = None,
    extra_fields: Json | None = None,
    level: int = 0,
) -> Json:
    logged = histories or []
    name, own_category = STATUSES[status_id]
    fields: Json = {
        "summary": f"Issue {key}",
        "project": {"id": "10000", "key": key.split("-")[0]},
        "issuetype": {"id": "10001", "name": "Sub-task" if level < 0 else "Story", "hierarchyLevel": level},
        "status": {"id": status_id, "name": name, "statusCategory": {"key": category or own_category}},
        "priority": {"name": "Medium"},
        "assignee": assignee,
        "reporter": reporter,
        "created": jira_time(created),
        "updated": jira_time(updated or max([created, *(_parsed(h["created"]) for h in logged)])),
        "resolutiondate": jira_time(resolved) if resolved else None,
        POINTS_FIELD: points,
        SPRINT_FIELD: [
            {"id": s, "name": f"Sprint {s}", "state": "closed", "boardId": 1} for s in sprints or []
        ]
        or None,
        "labels": [],
        **(extra_fields or {}),
    }
    return {
        "id": str(issue_id),
        "key": key,
        "fields": fields,
        "changelog": {
            "startAt": 0,
            "maxResults": 40,
            "total": len(logged),
            "histories": list(reversed(logged)),
        },
    }


def sprint(sprint_id: int, start: dt.datetime, complete: dt.datetime | None, state: str = "closed") -> Json:
    body: Json = {"id": sprint_id, "state": state, "name": f"Sprint {sprint_id}", "originBoardId": 1}
    body["startDate"] = start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body["endDate"] = (start + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if complete is not None:
        body["completeDate"] = complete.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return body


def _id(payload: Json) -> int | None:
    return int(payload["id"]) if "id" in payload else None


def _parsed(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def load(
    conn: Connection,
    issues: list[Json],
    *,
    users: list[Json] | None = None,
    sprints: list[Json] | None = None,
    marts: tuple[str, ...] = ("jira_users", "jira_issue_status_periods", "jira_issues"),
    fetched_at: dt.datetime = dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    day: dt.date = dt.date(2026, 3, 10),
    fields: list[Json] | None = None,
) -> StagingResult:
    """Land the payloads in raw (one partition), stage them, and build ``marts`` in order."""
    base = {"site": SITE, "fetched_at": fetched_at}
    statuses = [
        {"id": sid, "name": name, "statusCategory": {"key": category}}
        for sid, (name, category) in STATUSES.items()
    ]
    for table, column, key, payloads in (
        ("raw.jira_fields", "field_id", "id", fields or FIELDS),
        ("raw.jira_statuses", "status_id", "id", statuses),
        ("raw.jira_users", "account_id", "accountId", users or []),
    ):
        rows = [{**base, column: p[key], "payload": Jsonb(p)} for p in payloads]
        replace_partitions(conn, table, "site", [SITE], ["site", column, "fetched_at", "payload"], rows)
    sprint_rows = [{**base, "board_id": 1, "sprint_id": s["id"], "payload": Jsonb(s)} for s in sprints or []]
    columns = ["site", "board_id", "sprint_id", "fetched_at", "payload"]
    replace_partitions(conn, "raw.jira_sprints", "site", [SITE], columns, sprint_rows)
    issue_rows = [
        {**base, "issue_id": _id(i), "issue_key": i.get("key"), "partition_date": day, "payload": Jsonb(i)}
        for i in issues
    ]
    columns = ["site", "issue_id", "issue_key", "partition_date", "fetched_at", "payload"]
    replace_partitions(conn, "raw.jira_issues", "partition_date", [day], columns, issue_rows)
    stage_jira_snapshots(conn, "test")
    result = stage_jira_partitions(conn, [day], "test")
    for name in marts:
        rebuild_mart(conn, name)
    return result
