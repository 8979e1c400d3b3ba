"""Changelog histories to the change items the marts read (status, assignee, sprint, points, key, ...).

Items are classified by ``fieldId`` when present, else by the field name (older histories, and the ``Key``
item of a move, have no ``fieldId``). A change dated after the issue's ``updated`` is kept and counted:
Jira logs some app changes (remote links) without touching ``updated``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dexxy_assets.jira.field_map import JiraFieldMap
from dexxy_assets.jira.jira_ids import jira_id
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog

_BY_NAME = {
    "status": "status",
    "assignee": "assignee",
    "sprint": "sprint",
    "story points": "story_points",
    "story point estimate": "story_points",
    "key": "key",
    "project": "project",
    "issuetype": "issue_type",
    "resolution": "resolution",
}


@dataclass(frozen=True)
class ChangeRecord:
    issue_id: int
    history_id: int
    item_index: int
    changed_at: dt.datetime
    author_account_id: str | None
    change_kind: str
    field: str
    from_value: str | None
    from_string: str | None
    to_value: str | None
    to_string: str | None
    after_issue_updated: bool

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def change_kind(item: FieldReader, fields: JiraFieldMap) -> str | None:
    field_id = item.text("fieldId")
    if field_id and field_id == fields.sprint:
        return "sprint"
    if field_id and field_id in fields.story_point_fields:
        return "story_points"
    return _BY_NAME.get((item.text("field") or "").strip().lower())


def parse_history(
    payload: Any,
    issue_id: int,
    issue_updated: dt.datetime | None,
    fields: JiraFieldMap,
    problems: ProblemLog,
    partition: dt.date | None,
) -> list[ChangeRecord]:
    """The history's items the marts use; a history without id or time is counted and skipped."""
    history = FieldReader(payload, "jira_changelog", problems, partition)
    history_id = jira_id(history, "id")
    changed_at = history.timestamp("created", required=True)
    if history_id is None or changed_at is None:
        return []
    late = issue_updated is not None and changed_at > issue_updated
    if late:
        history.problem("after_issue_updated", f"{issue_id}/{history_id}")
    author = history.text("author", "accountId")
    items = history.payload.get("items")
    if not isinstance(items, list):
        history.problem("items_missing", history_id)
        return []
    out: list[ChangeRecord] = []
    for index, raw_item in enumerate(items):
        item = FieldReader(raw_item, "jira_changelog_item", problems, partition)
        kind = change_kind(item, fields)
        if kind is None:
            continue
        out.append(
            ChangeRecord(
                issue_id=issue_id,
                history_id=history_id,
                item_index=index,
                changed_at=changed_at,
                author_account_id=author,
                change_kind=kind,
                field=item.text("field") or "",
                from_value=_value(item, "from"),
                from_string=item.text("fromString"),
                to_value=_value(item, "to"),
                to_string=item.text("toString"),
                after_issue_updated=late,
            )
        )
    return out


def _value(item: FieldReader, name: str) -> str | None:
    value = item.payload.get(name)
    return None if value is None else str(value)
