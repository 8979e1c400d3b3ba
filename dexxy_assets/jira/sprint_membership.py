"""When each issue joined and left each sprint, from the sprint field's changelog.

Each sprint change lists the whole field before and after (``"1, 2"`` -> ``"1, 2, 3"``); the difference is
what joined or left. A sprint the issue is in now without a logged join (created straight into it, or a
changelog Jira truncated) counts as joined at the issue's creation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from dexxy_assets.jira.changelog_records import ChangeRecord


def sprint_ids_of(value: str | None) -> set[int]:
    return {int(part) for part in (value or "").replace(";", ",").split(",") if part.strip().isdigit()}


def sprint_membership(
    issue_id: int,
    created_at: dt.datetime | None,
    current_sprints: Iterable[int],
    changes: Iterable[ChangeRecord],
) -> list[dict[str, Any]]:
    """Rows of staging.jira_sprint_issues for one issue: first join and last leave per sprint."""
    added: dict[int, dt.datetime] = {}
    removed: dict[int, dt.datetime | None] = {}
    ordered = sorted(
        (c for c in changes if c.change_kind == "sprint"), key=lambda c: (c.changed_at, c.history_id)
    )
    for change in ordered:
        before, after = sprint_ids_of(change.from_value), sprint_ids_of(change.to_value)
        for sprint_id in after - before:
            added.setdefault(sprint_id, change.changed_at)
            removed[sprint_id] = None
        for sprint_id in before - after:
            if sprint_id not in added:  # left a sprint it joined before the changelog we have
                added[sprint_id] = created_at or change.changed_at
            removed[sprint_id] = change.changed_at
    for sprint_id in current_sprints:
        if sprint_id not in added:
            if created_at is None:
                continue
            added[sprint_id] = created_at
        removed[sprint_id] = None  # the field lists it now: still in it, whatever the log says
    return [
        {"sprint_id": s, "issue_id": issue_id, "added_at": added[s], "removed_at": removed.get(s)}
        for s in sorted(added)
    ]
