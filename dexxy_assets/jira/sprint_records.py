"""Agile boards and sprints, from ``/rest/agile/1.0/board`` and ``/board/{id}/sprint``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dexxy_assets.jira.jira_ids import jira_id
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog

SPRINT_STATES = frozenset({"future", "active", "closed"})


@dataclass(frozen=True)
class BoardRecord:
    board_id: int
    name: str | None
    board_type: str | None
    project_key: str | None


@dataclass(frozen=True)
class SprintRecord:
    sprint_id: int
    board_id: int | None
    name: str | None
    state: str | None
    goal: str | None
    start_at: dt.datetime | None
    end_at: dt.datetime | None
    complete_at: dt.datetime | None

    def row(self, site: str, board: BoardRecord | None) -> dict[str, Any]:
        return {
            "sprint_id": self.sprint_id,
            "site": site,
            "board_id": self.board_id,
            "board_name": board.name if board else None,
            "board_project_key": board.project_key if board else None,
            "name": self.name,
            "state": self.state,
            "goal": self.goal,
            "start_at": self.start_at,
            "end_at": self.end_at,
            "complete_at": self.complete_at,
        }


def parse_board(payload: Any, problems: ProblemLog) -> BoardRecord | None:
    board = FieldReader(payload, "jira_board", problems, None)
    board_id = jira_id(board, "id")
    if board_id is None:
        return None
    return BoardRecord(board_id, board.text("name"), board.text("type"), board.text("location", "projectKey"))


def parse_sprint(payload: Any, board_id: int | None, problems: ProblemLog) -> SprintRecord | None:
    sprint = FieldReader(payload, "jira_sprint", problems, None)
    sprint_id = jira_id(sprint, "id")
    if sprint_id is None:
        return None
    state = sprint.enum(SPRINT_STATES, "state")
    return SprintRecord(
        sprint_id=sprint_id,
        board_id=jira_id(sprint, "originBoardId", required=False) or board_id,
        name=sprint.text("name"),
        state=state,
        goal=sprint.text("goal"),
        start_at=sprint.timestamp("startDate", required=state in ("active", "closed")),
        end_at=sprint.timestamp("endDate"),
        complete_at=sprint.timestamp("completeDate", required=state == "closed"),
    )
