"""Time logged on issues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dexxy_assets.jira.adf_text import adf_to_text
from dexxy_assets.jira.jira_ids import jira_id
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog


@dataclass(frozen=True)
class WorklogRecord:
    worklog_id: int
    issue_id: int
    author_account_id: str | None
    started_at: dt.datetime | None
    time_spent_seconds: int | None
    comment_text: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def parse_worklog(
    payload: Any, issue_id: int | None, problems: ProblemLog, partition: dt.date | None
) -> WorklogRecord | None:
    """A worklog; its own ``issueId`` wins over the issue it was listed under (the worklog feed has none)."""
    worklog = FieldReader(payload, "jira_worklog", problems, partition)
    worklog_id = jira_id(worklog, "id")
    owner = jira_id(worklog, "issueId", required=issue_id is None) or issue_id
    if worklog_id is None or owner is None:
        return None
    seconds = worklog.integer("timeSpentSeconds", required=True)
    if seconds is not None and seconds < 0:
        worklog.problem("timeSpentSeconds_negative", seconds)
        seconds = None
    return WorklogRecord(
        worklog_id=worklog_id,
        issue_id=owner,
        author_account_id=worklog.text("author", "accountId"),
        started_at=worklog.timestamp("started", required=True),
        time_spent_seconds=seconds,
        comment_text=adf_to_text(
            worklog.payload.get("comment"), lambda kind: worklog.problem("adf_unknown_node", kind)
        ),
        created_at=worklog.timestamp("created"),
        updated_at=worklog.timestamp("updated"),
    )
