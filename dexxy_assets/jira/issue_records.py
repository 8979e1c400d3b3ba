"""One issue of a ``/search/jql`` result (``fields=*all``, ``expand=changelog``) as a typed record.

The embedded changelog, comments and worklogs come along as payloads with Jira's ``total``: the staging step
adds what was paged separately (raw.jira_changelogs, ...) and records whether the changelog is complete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dexxy_assets.jira import status_category
from dexxy_assets.jira.adf_text import adf_to_text
from dexxy_assets.jira.field_map import JiraFieldMap
from dexxy_assets.jira.jira_ids import jira_id
from dexxy_assets.jira.story_points import story_points
from dexxy_assets.jira.user_records import JiraUserRecord, parse_user
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog


@dataclass(frozen=True)
class EmbeddedList:
    """A list Jira embeds truncated: the items it sent and how many there are."""

    items: list[Any]
    total: int


@dataclass(frozen=True)
class IssueRecord:
    issue_id: int
    issue_key: str
    project_key: str | None
    project_id: str | None
    issue_type: str | None
    issue_type_level: int | None
    summary: str | None
    description_text: str | None
    status_id: str | None
    status: str | None
    status_category: str | None
    priority: str | None
    resolution: str | None
    assignee: JiraUserRecord | None
    reporter: JiraUserRecord | None
    story_points: Decimal | None
    parent_key: str | None
    parent_issue_type_level: int | None
    sprint_ids: list[int]
    sprints: list[Any]
    labels: list[str]
    created_at: dt.datetime | None
    updated_at: dt.datetime
    resolved_at: dt.datetime | None
    histories: EmbeddedList
    comments: EmbeddedList
    worklogs: EmbeddedList
    unknown_fields: list[str] = field(default_factory=list)


def parse_issue(
    payload: Any, fields: JiraFieldMap, problems: ProblemLog, partition: dt.date | None
) -> IssueRecord | None:
    """The issue, or None (counted) when it has no id, key or updated time to be staged by."""
    issue = FieldReader(payload, "jira_issue", problems, partition)
    issue_id = jira_id(issue, "id")
    key = issue.text("key")
    updated = issue.timestamp("fields", "updated", required=True)
    if issue_id is None or not key or updated is None:
        if not key:
            issue.problem("key_missing", issue_id)
        return None
    status_name = issue.text("fields", "status", "name")
    category = issue.enum(status_category.CATEGORIES, "fields", "status", "statusCategory", "key")
    if status_category.disagrees(status_name, category):
        issue.problem("status_category_disagrees_with_name", f"{status_name} ({category})")
    assignee = _user(issue, "assignee")
    if assignee is None and category not in (None, "new"):
        issue.problem("assignee_missing", key)
    sprints = _sprints(issue, fields)
    unknown = sorted(
        name
        for name in (issue.payload.get("fields") or {})
        if name.startswith("customfield_") and fields.known and name not in fields.known
    )
    for name in unknown:
        issue.problem("unknown_custom_field", name)
    raw_points = next(
        (v for f in fields.story_point_fields if (v := _fields(issue).get(f)) not in (None, "")), None
    )
    return IssueRecord(
        issue_id=issue_id,
        issue_key=key,
        project_key=issue.text("fields", "project", "key"),
        project_id=issue.text("fields", "project", "id"),
        issue_type=issue.text("fields", "issuetype", "name"),
        issue_type_level=issue.integer("fields", "issuetype", "hierarchyLevel"),
        summary=issue.text("fields", "summary"),
        description_text=adf_to_text(
            _fields(issue).get("description"),
            lambda kind: issue.problem("adf_unknown_node", kind),
        ),
        status_id=issue.text("fields", "status", "id"),
        status=status_name,
        status_category=category,
        priority=issue.text("fields", "priority", "name"),
        resolution=issue.text("fields", "resolution", "name"),
        assignee=assignee,
        reporter=_user(issue, "reporter"),
        story_points=story_points(raw_points, issue),
        parent_key=issue.text("fields", "parent", "key"),
        parent_issue_type_level=issue.integer("fields", "parent", "fields", "issuetype", "hierarchyLevel"),
        sprint_ids=_sprint_ids(sprints, problems, partition),
        sprints=sprints,
        labels=[str(label) for label in _fields(issue).get("labels") or []],
        created_at=issue.timestamp("fields", "created", required=True),
        updated_at=updated,
        resolved_at=issue.timestamp("fields", "resolutiondate"),
        histories=_embedded(issue, ("changelog",), "histories"),
        comments=_embedded(issue, ("fields", "comment"), "comments"),
        worklogs=_embedded(issue, ("fields", "worklog"), "worklogs"),
        unknown_fields=unknown,
    )


def _fields(issue: FieldReader) -> dict[str, Any]:
    value = issue.payload.get("fields")
    return value if isinstance(value, dict) else {}


def _sprint_ids(sprints: list[Any], problems: ProblemLog, partition: dt.date | None) -> list[int]:
    ids = (jira_id(FieldReader(item, "jira_issue_sprint", problems, partition), "id") for item in sprints)
    return [sprint_id for sprint_id in ids if sprint_id is not None]


def _user(issue: FieldReader, name: str) -> JiraUserRecord | None:
    value = _fields(issue).get(name)
    if value is None:
        return None
    user = parse_user(FieldReader(value, f"jira_issue.{name}", issue.problems, issue.partition))
    if user is not None and user.deleted:
        issue.problem(f"{name}_deleted_user", user.account_id)
    return user


def _sprints(issue: FieldReader, fields: JiraFieldMap) -> list[Any]:
    if fields.sprint is None:
        return []
    value = _fields(issue).get(fields.sprint)
    if value is None:
        return []
    if not isinstance(value, list):
        issue.problem("sprint_field_not_list", value)
        return []
    return [item for item in value if isinstance(item, dict)]


def _embedded(issue: FieldReader, path: tuple[str, ...], name: str) -> EmbeddedList:
    container = issue.payload
    for step in path:
        container = container.get(step) if isinstance(container, dict) else None
    if not isinstance(container, dict):
        return EmbeddedList([], 0)
    items = container.get(name)
    items = items if isinstance(items, list) else []
    total = container.get("total")
    return EmbeddedList(items, total if isinstance(total, int) and total >= len(items) else len(items))
