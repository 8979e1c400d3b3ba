"""Staging is derived from raw: parse the stored Jira JSON of some days (or the snapshots) into staging.

Issues are keyed by id and newest-wins by (updated, fetched_at): re-staging an older partition never
overwrites a newer version, and re-staging the same raw (a new parser version) replaces it. An issue's
changelog, comments, worklogs and sprint membership are replaced together with the issue version that won,
from that version's partition: the embedded lists plus the rest paged into raw.jira_changelogs & co.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from dexxy_assets.jira import status_category
from dexxy_assets.jira.changelog_records import ChangeRecord, parse_history
from dexxy_assets.jira.comment_records import CommentRecord, parse_comment
from dexxy_assets.jira.field_map import JiraFieldMap
from dexxy_assets.jira.issue_records import IssueRecord, parse_issue
from dexxy_assets.jira.sprint_membership import sprint_membership
from dexxy_assets.jira.sprint_records import BoardRecord, parse_board, parse_sprint
from dexxy_assets.jira.user_records import JiraUserRecord, parse_user
from dexxy_assets.jira.worklog_records import WorklogRecord, parse_worklog
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import copy_rows, lock_partitions, upsert
from resources.sql_template import render_sql

ISSUE_COLUMNS = (
    "issue_id", "site", "issue_key", "previous_keys", "project_key", "project_id", "issue_type",
    "issue_type_level", "summary", "description_text", "status_id", "status", "status_category", "priority",
    "resolution", "assignee_account_id", "reporter_account_id", "story_points", "parent_key",
    "parent_issue_type_level", "sprint_ids", "labels", "created_at", "updated_at", "resolved_at",
    "changelog_complete", "partition_date", "fetched_at", "parser_version",
)  # fmt: skip
CHANGE_COLUMNS = tuple(ChangeRecord.__dataclass_fields__)
COMMENT_COLUMNS = tuple(CommentRecord.__dataclass_fields__)
WORKLOG_COLUMNS = tuple(WorklogRecord.__dataclass_fields__)
USER_COLUMNS = (
    "account_id",
    "site",
    "display_name",
    "email",
    "account_type",
    "active",
    "time_zone",
    "is_listed",
)
SPRINT_COLUMNS = (
    "sprint_id", "site", "board_id", "board_name", "board_project_key", "name", "state", "goal", "start_at",
    "end_at", "complete_at",
)  # fmt: skip
STATUS_COLUMNS = ("status_id", "site", "name", "status_category", "name_disagrees")
MEMBERSHIP_COLUMNS = ("sprint_id", "issue_id", "added_at", "removed_at")

_RAW_ISSUES = text(
    "SELECT site, partition_date, fetched_at, payload FROM raw.jira_issues "
    "WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row"
)
_RAW_CHILDREN = """
SELECT issue_id, partition_date, payload FROM {{ table | ident }}
WHERE partition_date = ANY(:days) AND issue_id = ANY(:ids) ORDER BY partition_date, partition_row
"""
_STALE = text(
    "SELECT DISTINCT partition_date FROM staging.jira_issues WHERE parser_version <> :version "
    "UNION "
    "SELECT DISTINCT r.partition_date FROM raw.jira_issues AS r "
    "WHERE NOT EXISTS (SELECT 1 FROM staging.jira_issues AS s WHERE s.partition_date = r.partition_date) "
    "ORDER BY 1"
)
_FIELDS = text("SELECT site, payload FROM raw.jira_fields ORDER BY site, partition_row")
_LISTED = text("SELECT DISTINCT account_id FROM raw.jira_users WHERE account_id IS NOT NULL")
_STAGED_VERSIONS = text(
    "SELECT issue_id, updated_at, fetched_at FROM staging.jira_issues WHERE issue_id = ANY(:ids)"
)
_DELETE_CHILDREN = (
    "DELETE FROM staging.jira_issue_changes WHERE issue_id = ANY(:ids)",
    "DELETE FROM staging.jira_comments WHERE issue_id = ANY(:ids)",
    "DELETE FROM staging.jira_worklogs WHERE issue_id = ANY(:ids)",
    "DELETE FROM staging.jira_sprint_issues WHERE issue_id = ANY(:ids)",
)
_REFERENCED_USERS = """
INSERT INTO staging.jira_users
    (account_id, site, display_name, email, account_type, active, time_zone, is_listed)
SELECT account_id, site, display_name, email, account_type, active, time_zone, false
FROM jsonb_to_recordset(CAST(:users AS jsonb)) AS u(
    account_id text, site text, display_name text, email text, account_type text, active boolean,
    time_zone text
)
ON CONFLICT (account_id) DO NOTHING
"""


@dataclass
class StagingResult:
    """What a staging run wrote, and the bad input it met."""

    issues: int = 0
    changes: int = 0
    comments: int = 0
    worklogs: int = 0
    skipped_older: int = 0
    problems: ProblemLog = field(default_factory=ProblemLog)
    issues_per_day: Counter[dt.date] = field(default_factory=Counter)


@dataclass
class _Version:
    record: IssueRecord
    site: str
    partition: dt.date
    fetched_at: dt.datetime


def field_maps(conn: Connection) -> dict[str, JiraFieldMap]:
    """The field mapping of every site whose ``/field`` list is stored."""
    by_site: dict[str, list[Any]] = defaultdict(list)
    for site, payload in conn.execute(_FIELDS):
        by_site[site].append(payload)
    return {site: JiraFieldMap.from_fields(fields) for site, fields in by_site.items()}


def stage_jira_partitions(conn: Connection, days: Sequence[dt.date], parser_version: str) -> StagingResult:
    """Parse the raw issues (and their paged children) of ``days`` into staging (caller's transaction).

    Runs take turns on one lock: two runs whose days hold the same issue (it was updated on both) would
    otherwise replace its changes, comments and worklogs at the same time.
    """
    lock_partitions(conn, "staging.jira_issues", ["whole table"])
    result = StagingResult()
    problems = result.problems
    maps = field_maps(conn)
    newest = _newest_versions(conn, days, maps, problems)
    staged = {
        row.issue_id: (row.updated_at, row.fetched_at)
        for row in conn.execute(_STAGED_VERSIONS, {"ids": list(newest)})
    }
    winners = {i: v for i, v in newest.items() if i not in staged or _order(v) >= staged[i]}
    result.skipped_older = len(newest) - len(winners)
    if not winners:
        return result
    ids = list(winners)
    children = {
        table: _raw_children(conn, table, days, ids, winners)
        for table in ("jira_changelogs", "jira_comments", "jira_worklogs")
    }
    listed = {row[0] for row in conn.execute(_LISTED)}
    issue_rows, change_rows, comment_rows, worklog_rows, member_rows = [], [], [], [], []
    referenced: dict[str, dict[str, Any]] = {}
    for issue_id, version in winners.items():
        record, day = version.record, version.partition
        fields = maps.get(version.site, JiraFieldMap())
        histories = _unique(record.histories.items, children["jira_changelogs"].get(issue_id, []), "id")
        changes = [
            change
            for history in histories
            for change in parse_history(history, issue_id, record.updated_at, fields, problems, day)
        ]
        complete = len(histories) >= record.histories.total
        if not complete:
            problems.add("jira_issue.changelog_incomplete", day, record.issue_key)
        previous_keys = _previous_keys(record, changes)
        if previous_keys:
            problems.add(
                "jira_issue.moved_between_projects", day, f"{previous_keys[0]} -> {record.issue_key}"
            )
        comments = [
            c
            for payload in _unique(record.comments.items, children["jira_comments"].get(issue_id, []), "id")
            if (c := parse_comment(payload, issue_id, problems, day)) is not None
        ]
        worklogs = [
            w
            for payload in _unique(record.worklogs.items, children["jira_worklogs"].get(issue_id, []), "id")
            if (w := parse_worklog(payload, issue_id, problems, day)) is not None
        ]
        for role, user in (("assignee", record.assignee), ("reporter", record.reporter)):
            if user is None:
                continue
            if listed and user.account_id not in listed:
                problems.add(f"jira_issue.{role}_not_in_users", day, user.account_id)
            referenced.setdefault(user.account_id, _referenced(user, version.site))
        issue_rows.append(_issue_row(version, previous_keys, complete, parser_version))
        change_rows.extend(c.row() for c in changes)
        comment_rows.extend(c.row() for c in comments)
        worklog_rows.extend(w.row() for w in worklogs)
        member_rows.extend(sprint_membership(issue_id, record.created_at, record.sprint_ids, changes))
    upsert(conn, "staging.jira_issues", ISSUE_COLUMNS, issue_rows, ["issue_id"], ["updated_at", "fetched_at"])
    for statement in _DELETE_CHILDREN:
        conn.execute(text(statement), {"ids": ids})
    result.changes = copy_rows(conn, "staging.jira_issue_changes", CHANGE_COLUMNS, change_rows)
    result.comments = _load_unique(conn, "staging.jira_comments", COMMENT_COLUMNS, comment_rows, "comment_id")
    result.worklogs = _load_unique(conn, "staging.jira_worklogs", WORKLOG_COLUMNS, worklog_rows, "worklog_id")
    copy_rows(conn, "staging.jira_sprint_issues", MEMBERSHIP_COLUMNS, member_rows)
    if referenced:
        users = json.dumps(list(referenced.values()))
        conn.execute(text(_REFERENCED_USERS), {"users": users})
    result.issues = len(issue_rows)
    result.issues_per_day = Counter(row["partition_date"] for row in issue_rows)
    return result


def stale_jira_partitions(conn: Connection, parser_version: str) -> list[dt.date]:
    """Days to re-stage: staged by another parser version, or landed in raw and never staged."""
    return [row[0] for row in conn.execute(_STALE, {"version": parser_version})]


def stage_jira_snapshots(conn: Connection, parser_version: str) -> ProblemLog:
    """Users, statuses, boards and sprints of every site from their raw snapshots (whole tables)."""
    del parser_version  # snapshots are small: always re-staged whole
    problems = ProblemLog()
    users: dict[str, dict[str, Any]] = {}
    for site, payload in conn.execute(
        text("SELECT site, payload FROM raw.jira_users ORDER BY site, partition_row")
    ):
        user = parse_user(FieldReader(payload, "jira_user", problems, None))
        if user is not None:
            users[user.account_id] = user.row(site, listed=True)
    conn.execute(
        text("UPDATE staging.jira_users SET is_listed = false WHERE NOT (account_id = ANY(:ids))"),
        {"ids": list(users)},
    )
    upsert(conn, "staging.jira_users", USER_COLUMNS, users.values(), ["account_id"])
    _stage_statuses(conn, problems)
    boards: dict[tuple[str, int], BoardRecord] = {}
    for site, payload in conn.execute(
        text("SELECT site, payload FROM raw.jira_boards ORDER BY site, partition_row")
    ):
        board = parse_board(payload, problems)
        if board is not None:
            boards[(site, board.board_id)] = board
    sprints: dict[int, dict[str, Any]] = {}
    raw_sprints = text("SELECT site, board_id, payload FROM raw.jira_sprints ORDER BY site, partition_row")
    for site, board_id, payload in conn.execute(raw_sprints):
        sprint = parse_sprint(payload, board_id, problems)
        if sprint is not None:
            sprints[sprint.sprint_id] = sprint.row(site, boards.get((site, sprint.board_id or -1)))
    conn.execute(text("DELETE FROM staging.jira_sprints"))
    copy_rows(conn, "staging.jira_sprints", SPRINT_COLUMNS, sprints.values())
    return problems


def _stage_statuses(conn: Connection, problems: ProblemLog) -> None:
    """Statuses by id with their category; a name that says another category is counted once per status."""
    statuses: dict[str, dict[str, Any]] = {}
    raw = text("SELECT site, payload FROM raw.jira_statuses ORDER BY site, partition_row")
    for site, payload in conn.execute(raw):
        status = FieldReader(payload, "jira_status", problems, None)
        status_id = status.text("id")
        if not status_id:
            status.problem("id_missing")
            continue
        name = status.text("name")
        category = status.enum(status_category.CATEGORIES, "statusCategory", "key")
        disagrees = status_category.disagrees(name, category)
        if disagrees:
            status.problem("category_disagrees_with_name", f"{name} ({category})")
        statuses[status_id] = {
            "status_id": status_id,
            "site": site,
            "name": name,
            "status_category": category,
            "name_disagrees": disagrees,
        }
    conn.execute(text("DELETE FROM staging.jira_statuses"))
    copy_rows(conn, "staging.jira_statuses", STATUS_COLUMNS, statuses.values())


def _newest_versions(
    conn: Connection, days: Sequence[dt.date], maps: dict[str, JiraFieldMap], problems: ProblemLog
) -> dict[int, _Version]:
    """Every raw issue of ``days`` parsed; per issue id the newest version (updated, then fetched_at)."""
    newest: dict[int, _Version] = {}
    missing_field_lists: set[tuple[str, dt.date]] = set()
    for site, day, fetched_at, payload in conn.execute(_RAW_ISSUES, {"days": list(days)}):
        fields = maps.get(site)
        if fields is None:  # sprints and story points cannot be found: counted once per site and day
            if (site, day) not in missing_field_lists:
                missing_field_lists.add((site, day))
                problems.add("jira_issue.field_list_missing", day, site)
            fields = JiraFieldMap()
        record = parse_issue(payload, fields, problems, day)
        if record is None:
            continue
        version = _Version(record, site, day, fetched_at)
        current = newest.get(record.issue_id)
        if current is None or _order(version) >= _order(current):
            newest[record.issue_id] = version
    return newest


def _order(version: _Version) -> tuple[dt.datetime, dt.datetime]:
    return (version.record.updated_at, version.fetched_at)


def _raw_children(
    conn: Connection, table: str, days: Sequence[dt.date], ids: list[int], winners: dict[int, _Version]
) -> dict[int, list[Any]]:
    """Child payloads stored in the winning version's partition, by issue id."""
    out: dict[int, list[Any]] = defaultdict(list)
    statement = text(render_sql(_RAW_CHILDREN, table=f"raw.{table}"))
    rows = conn.execute(statement, {"days": list(days), "ids": ids})
    for issue_id, day, payload in rows:
        if winners[issue_id].partition == day:
            out[issue_id].append(payload)
    return out


def _unique(embedded: list[Any], paged: list[Any], key: str) -> list[Any]:
    """Embedded items and paged ones, each id once (the paged copy wins: it is complete)."""
    by_id: dict[str, Any] = {}
    for item in [*embedded, *paged]:
        if isinstance(item, dict):
            by_id[str(item.get(key))] = item
    return list(by_id.values())


def _previous_keys(record: IssueRecord, changes: list[ChangeRecord]) -> list[str]:
    keys = [c.from_string for c in sorted(changes, key=lambda c: c.changed_at) if c.change_kind == "key"]
    return [k for k in dict.fromkeys(keys) if k and k != record.issue_key]


def _referenced(user: JiraUserRecord, site: str) -> dict[str, Any]:
    row = user.row(site, listed=False)
    row.pop("is_listed")
    return row


def _issue_row(
    version: _Version, previous_keys: list[str], complete: bool, parser_version: str
) -> dict[str, Any]:
    r = version.record
    return {
        "issue_id": r.issue_id,
        "site": version.site,
        "issue_key": r.issue_key,
        "previous_keys": previous_keys,
        "project_key": r.project_key,
        "project_id": r.project_id,
        "issue_type": r.issue_type,
        "issue_type_level": r.issue_type_level,
        "summary": r.summary,
        "description_text": r.description_text,
        "status_id": r.status_id,
        "status": r.status,
        "status_category": r.status_category,
        "priority": r.priority,
        "resolution": r.resolution,
        "assignee_account_id": r.assignee.account_id if r.assignee else None,
        "reporter_account_id": r.reporter.account_id if r.reporter else None,
        "story_points": r.story_points,
        "parent_key": r.parent_key,
        "parent_issue_type_level": r.parent_issue_type_level,
        "sprint_ids": r.sprint_ids,
        "labels": r.labels,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "resolved_at": r.resolved_at,
        "changelog_complete": complete,
        "partition_date": version.partition,
        "fetched_at": version.fetched_at,
        "parser_version": parser_version,
    }


def _load_unique(
    conn: Connection, table: str, columns: Sequence[str], rows: list[dict[str, Any]], key: str
) -> int:
    """Comments and worklogs by id: an id seen twice (a worklog moved with its issue) keeps the last row."""
    unique = {row[key]: row for row in rows}
    return upsert(conn, table, columns, unique.values(), [key])
