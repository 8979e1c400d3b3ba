"""Issue comments, their Atlassian Document Format body as text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dexxy_assets.jira.adf_text import adf_to_text
from dexxy_assets.jira.jira_ids import jira_id
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog


@dataclass(frozen=True)
class CommentRecord:
    comment_id: int
    issue_id: int
    author_account_id: str | None
    body_text: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def parse_comment(
    payload: Any, issue_id: int, problems: ProblemLog, partition: dt.date | None
) -> CommentRecord | None:
    comment = FieldReader(payload, "jira_comment", problems, partition)
    comment_id = jira_id(comment, "id")
    if comment_id is None:
        return None
    return CommentRecord(
        comment_id=comment_id,
        issue_id=issue_id,
        author_account_id=comment.text("author", "accountId"),
        body_text=adf_to_text(
            comment.payload.get("body"), lambda kind: comment.problem("adf_unknown_node", kind)
        ),
        created_at=comment.timestamp("created", required=True),
        updated_at=comment.timestamp("updated"),
    )
