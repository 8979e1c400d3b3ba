"""Landing fetched pull requests: raw partitions replaced, staging merged newest-wins, in one transaction.

Every child entity (reviews, commits, files, check runs, comments) is described once in ``CHILDREN`` and
landed by the same code: raw rows keyed by partition, staging rows carrying their pull request's version,
and children older than their pull request's current version removed (a force-push drops commits).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from dexxy_assets.github import graphql_shapes, staging_rows
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.payload_fields import parse_timestamp
from dexxy_assets.payload_repair import repair_payload
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb, replace_partitions, upsert
from resources.sql_template import render_sql

Row = dict[str, Any]
_SHARED_RAW_COLUMNS = [
    "partition_date",
    "repo_full_name",
    "pr_id",
    "pr_number",
    "payload_format",
    "fetched_at",
]

_DELETE_STALE_CHILDREN = """
DELETE FROM {{ table | ident }} AS child
USING staging.github_pull_requests AS pr
WHERE child.pr_id = pr.pr_id
  AND child.pr_id = ANY(:pr_ids)
  AND (child.pr_updated_at, child.fetched_at) < (pr.updated_at, pr.fetched_at)
"""


@dataclass(frozen=True)
class ChildEntity:
    """How one kind of child lands. ``items`` yields (extra raw key columns, payload in REST shape, payload as
    fetched); ``parse`` turns the REST-shaped payload into a staging row."""

    name: str
    raw_table: str
    raw_key_columns: tuple[str, ...]
    staging_table: str
    staging_key: tuple[str, ...]
    items: Callable[[FetchedPullRequest], Iterable[tuple[Row, Any, Any]]]
    parse: Callable[[Any, Row, Row, dt.datetime, ProblemLog], Row | None]


def _plain(
    attribute: str, key_column: str, key_field: str, to_rest: Callable[[Any], Any]
) -> Callable[[FetchedPullRequest], Iterable[tuple[Row, Any, Any]]]:
    def items(pr: FetchedPullRequest) -> Iterable[tuple[Row, Any, Any]]:
        payload_format = pr.child_format(attribute)
        for payload in getattr(pr, attribute):
            shaped = to_rest(payload) if payload_format == "graphql" else payload
            key = shaped.get(key_field) if isinstance(shaped, dict) else None
            yield (
                {
                    key_column: key if isinstance(key, int | str) and not isinstance(key, bool) else None,
                    "payload_format": payload_format,
                },
                shaped,
                payload,
            )

    return items


def _comments(pr: FetchedPullRequest) -> Iterable[tuple[Row, Any, Any]]:
    for kind, payloads, to_rest in (
        ("issue", pr.issue_comments, graphql_shapes.issue_comment),
        ("review", pr.review_comments, graphql_shapes.review_comment),
    ):
        payload_format = pr.child_format(f"{kind}_comments")
        for payload in payloads:
            shaped = to_rest(payload) if payload_format == "graphql" else payload
            comment_id = shaped.get("id") if isinstance(shaped, dict) else None
            yield (
                {
                    "comment_kind": kind,
                    "comment_id": comment_id if isinstance(comment_id, int) else None,
                    "payload_format": payload_format,
                },
                shaped,
                payload,
            )


CHILDREN: tuple[ChildEntity, ...] = (
    ChildEntity(
        "reviews",
        "raw.github_reviews",
        ("review_id",),
        "staging.github_pr_reviews",
        ("review_id",),
        _plain("reviews", "review_id", "id", graphql_shapes.review),
        lambda payload, _keys, pr, at, problems: staging_rows.review_row(payload, pr, at, problems),
    ),
    ChildEntity(
        "commits",
        "raw.github_commits",
        ("sha",),
        "staging.github_pr_commits",
        ("pr_id", "sha"),
        _plain("commits", "sha", "sha", graphql_shapes.commit),
        lambda payload, _keys, pr, at, problems: staging_rows.commit_row(payload, pr, at, problems),
    ),
    ChildEntity(
        "files",
        "raw.github_files",
        ("path",),
        "staging.github_pr_files",
        ("pr_id", "path"),
        _plain("files", "path", "filename", graphql_shapes.file),
        lambda payload, _keys, pr, at, problems: staging_rows.file_row(payload, pr, at, problems),
    ),
    ChildEntity(
        "check_runs",
        "raw.github_check_runs",
        ("check_run_id",),
        "staging.github_pr_check_runs",
        ("check_run_id",),
        _plain("check_runs", "check_run_id", "id", graphql_shapes.check_run),
        lambda payload, _keys, pr, at, problems: staging_rows.check_run_row(payload, pr, at, problems),
    ),
    ChildEntity(
        "comments",
        "raw.github_comments",
        ("comment_kind", "comment_id"),
        "staging.github_pr_comments",
        ("comment_kind", "comment_id"),
        _comments,
        lambda payload, keys, pr, at, problems: staging_rows.comment_row(
            payload, keys["comment_kind"], pr, at, problems
        ),
    ),
)
ENTITY_NAMES = ("pull_requests", *(child.name for child in CHILDREN))


@dataclass
class LoadedCounts:
    raw_rows: int = 0
    staged_rows: int = 0
    per_partition: Counter[dt.date] = field(default_factory=Counter)


@dataclass
class PullRequestLoad:
    """Per entity (``pull_requests`` and each child): counts and problems."""

    counts: dict[str, LoadedCounts] = field(
        default_factory=lambda: {name: LoadedCounts() for name in ENTITY_NAMES}
    )
    problems: dict[str, ProblemLog] = field(
        default_factory=lambda: {name: ProblemLog() for name in ENTITY_NAMES}
    )


def draft_events(pr: FetchedPullRequest) -> list[tuple[str, dt.datetime]] | None:
    if pr.draft_events is None:
        return None
    events = (
        graphql_shapes.draft_events(pr.draft_events)
        if pr.child_format("draft_events") == "graphql"
        else pr.draft_events
    )
    parsed = []
    for event in events:
        at = parse_timestamp(event.get("created_at")) if isinstance(event, dict) else None
        if at is not None:
            parsed.append((str(event.get("event")), at))
    return parsed


# what each payload of a fetched pull request is, for naming its repairs: attribute → (entity, record label)
_REPAIRED_PAYLOADS = {
    "detail": ("pull_requests", "pull_request"),
    "draft_events": ("pull_requests", "draft_event"),
    "reviews": ("reviews", "review"),
    "commits": ("commits", "commit"),
    "files": ("files", "file"),
    "check_runs": ("check_runs", "check_run"),
    "issue_comments": ("comments", "issue_comment"),
    "review_comments": ("comments", "review_comment"),
}


def repaired(pr: FetchedPullRequest, problems: dict[str, ProblemLog]) -> FetchedPullRequest:
    """``pr`` with text PostgreSQL cannot store repaired (``payload_repair``), each repair counted as a
    problem of its entity, e.g. ``pull_request.text_repaired_lone_surrogate``."""
    changes: dict[str, Any] = {}
    where = f"{pr.repo_full_name}#{pr.number}"
    for attribute, (entity, label) in _REPAIRED_PAYLOADS.items():
        payload = getattr(pr, attribute)
        fixed, kinds = repair_payload(payload)
        if kinds:
            changes[attribute] = fixed
            for kind in kinds:
                problems[entity].add(f"{label}.text_repaired_{kind}", pr.partition_date, where)
    return dataclasses.replace(pr, **changes) if changes else pr


def load_pull_requests(
    conn: Connection, fetched: list[FetchedPullRequest], partitions: list[dt.date], fetched_at: dt.datetime
) -> PullRequestLoad:
    """Replace ``partitions`` in raw with ``fetched`` and merge what parses into staging."""
    load = PullRequestLoad()
    raw: dict[str, list[Row]] = {name: [] for name in ENTITY_NAMES}
    staged: dict[str, list[Row]] = {name: [] for name in ENTITY_NAMES}
    for pr in fetched:
        if pr.may_hold_bad_text:
            pr = repaired(pr, load.problems)
        day = pr.partition_date
        detail = graphql_shapes.pull_request(pr.detail) if pr.payload_format == "graphql" else pr.detail
        if pr.vanished is not None:  # deleted or transferred mid-fetch: raw keeps what came, staging its past
            load.problems["pull_requests"].add("pull_request.vanished", day, pr.vanished)
            pr_row = None
        else:
            pr_row = staging_rows.pull_request_row(
                detail, pr.repo_full_name, day, fetched_at, load.problems["pull_requests"], draft_events(pr)
            )
        pr_id = (
            pr_row["pr_id"]
            if pr_row
            else _int_or_none(detail.get("id") if isinstance(detail, dict) else None)
        )
        keys = {
            "partition_date": day,
            "repo_full_name": pr.repo_full_name,
            "pr_id": pr_id,
            "pr_number": pr.number,
            "payload_format": pr.payload_format,
            "fetched_at": fetched_at,
        }
        raw["pull_requests"].append(
            {
                **keys,
                "payload": Jsonb(pr.detail),
                "draft_events": None if pr.draft_events is None else Jsonb(pr.draft_events),
            }
        )
        load.counts["pull_requests"].per_partition[day] += 1
        if pr_row:
            staged["pull_requests"].append(pr_row)
        for child in CHILDREN:
            for child_keys, shaped, payload in child.items(pr):
                raw[child.name].append({**keys, **child_keys, "payload": Jsonb(payload)})
                load.counts[child.name].per_partition[day] += 1
                if pr_row is None:  # a child of an unkeyable or vanished pull request stays in raw only
                    reason = "parent_vanished" if pr.vanished is not None else "parent_unkeyed"
                    load.problems[child.name].add(f"{child.name}.{reason}", day)
                elif row := child.parse(shaped, child_keys, pr_row, fetched_at, load.problems[child.name]):
                    staged[child.name].append(row)

    load.counts["pull_requests"].raw_rows = replace_partitions(
        conn,
        "raw.github_pull_requests",
        "partition_date",
        partitions,
        [*_SHARED_RAW_COLUMNS, "payload", "draft_events"],
        raw["pull_requests"],
    )
    load.counts["pull_requests"].staged_rows = _upsert_rows(
        conn,
        "staging.github_pull_requests",
        staged["pull_requests"],
        ("pr_id",),
        ("updated_at", "fetched_at"),
    )
    pr_ids = [row["pr_id"] for row in staged["pull_requests"]]
    for child in CHILDREN:
        load.counts[child.name].raw_rows = replace_partitions(
            conn,
            child.raw_table,
            "partition_date",
            partitions,
            [*_SHARED_RAW_COLUMNS, *child.raw_key_columns, "payload"],
            raw[child.name],
        )
        load.counts[child.name].staged_rows = _upsert_rows(
            conn, child.staging_table, staged[child.name], child.staging_key, ("pr_updated_at", "fetched_at")
        )
        conn.execute(text(render_sql(_DELETE_STALE_CHILDREN, table=child.staging_table)), {"pr_ids": pr_ids})
    return load


def _upsert_rows(
    conn: Connection, table: str, rows: list[Row], keys: tuple[str, ...], version: tuple[str, ...]
) -> int:
    if not rows:
        return 0
    return upsert(conn, table, list(rows[0].keys()), rows, keys, version)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
