"""Landing fetched pull requests: spooled as they arrive, then their raw partitions replaced in one
transaction. Staging is derived from raw afterwards (``pull_request_staging``), so a parser change never
needs the API.

Every child entity is described once in ``pull_request_entities.CHILDREN``; raw rows are keyed by partition
and carry their pull request's keys (repository, number, id, fetch time), which is how staging finds a
child's pull request again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.github.graphql_fetch import listed_head_commit
from dexxy_assets.github.pull_request_entities import CHILDREN, ENTITY_NAMES, pull_request_id
from dexxy_assets.github.pull_request_staging import stage_pull_requests
from dexxy_assets.payload_repair import repair_payload
from dexxy_assets.problems import ProblemLog
from dexxy_assets.raw_spool import RawSpool
from resources.bulk_load import Jsonb

_SHARED_RAW_COLUMNS = [
    "partition_date",
    "repo_full_name",
    "pr_id",
    "pr_number",
    "payload_format",
    "fetched_at",
]
_PULL_REQUEST_COLUMNS = [*_SHARED_RAW_COLUMNS, "payload", "draft_events", "draft_events_format", "vanished"]


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


# a GraphQL node's connections whose nodes are landed in a child table (or the draft-events column)
_CHILD_CONNECTIONS = ("reviews", "commits", "files", "comments", "timelineItems")


def without_child_lists(pr: FetchedPullRequest) -> Any:
    """The pull request's payload for raw. A GraphQL node carries its children's connections, 82 % of its
    bytes, which the child raw tables (and ``draft_events``) already hold: they are dropped, keeping each
    connection's ``totalCount`` (staging reads it) and each review thread's comment count. The head commit's
    status-check rollup goes too when it is the head's (then ``raw.github_check_runs`` holds its runs). A REST
    detail holds no child lists and is kept as sent."""
    node = pr.detail
    if pr.payload_format != "graphql" or not isinstance(node, dict):
        return node
    kept = dict(node)
    for name in _CHILD_CONNECTIONS:
        connection = node.get(name)
        if isinstance(connection, dict) and "nodes" in connection:
            kept[name] = {key: value for key, value in connection.items() if key != "nodes"}
    threads = node.get("reviewThreads")
    if isinstance(threads, dict) and isinstance(threads.get("nodes"), list):
        kept["reviewThreads"] = {
            **threads,
            "nodes": [_thread_counts(thread) for thread in threads["nodes"]],
        }
    head = node.get("headCommit")
    if isinstance(head, dict) and listed_head_commit(node) is not None:
        kept["headCommit"] = {
            **head,
            "nodes": [_without_check_runs(item) for item in head.get("nodes") or []],
        }
    return kept


def _thread_counts(thread: Any) -> Any:
    comments = thread.get("comments") if isinstance(thread, dict) else None
    if not isinstance(comments, dict):
        return thread
    return {**thread, "comments": {key: value for key, value in comments.items() if key != "nodes"}}


def _without_check_runs(item: Any) -> Any:
    commit = item.get("commit") if isinstance(item, dict) else None
    if not isinstance(commit, dict):
        return item
    return {**item, "commit": {key: value for key, value in commit.items() if key != "statusCheckRollup"}}


class PullRequestSpool:
    """Fetched pull requests turned into raw rows one at a time, as they arrive, and spooled to disk
    (``RawSpool``): a window of any size is never held in memory. ``land`` replaces the partitions in one
    transaction. Counts repairs and vanished pull requests (what only the fetch knows); parsing problems are
    staging's."""

    def __init__(self, fetched_at: dt.datetime) -> None:
        self.fetched_at = fetched_at
        self.load = PullRequestLoad()
        self.pull_requests = 0
        self._spools = {"pull_requests": RawSpool("raw.github_pull_requests", _PULL_REQUEST_COLUMNS)}
        for child in CHILDREN:
            columns = [*_SHARED_RAW_COLUMNS, *child.raw_key_columns, "payload"]
            self._spools[child.name] = RawSpool(child.raw_table, columns)

    def add(self, pr: FetchedPullRequest) -> None:
        load = self.load
        if pr.may_hold_bad_text:
            pr = repaired(pr, load.problems)
        day = pr.partition_date
        if pr.vanished is not None:  # deleted or transferred mid-fetch: raw keeps what came, staging its past
            load.problems["pull_requests"].add("pull_request.vanished", day, pr.vanished)
        keys = {
            "partition_date": day,
            "repo_full_name": pr.repo_full_name,
            "pr_id": pull_request_id(pr.detail, pr.payload_format),
            "pr_number": pr.number,
            "payload_format": pr.payload_format,
            "fetched_at": self.fetched_at,
        }
        self._spools["pull_requests"].add(
            {
                **keys,
                "payload": Jsonb(without_child_lists(pr)),
                "draft_events": None if pr.draft_events is None else Jsonb(pr.draft_events),
                "draft_events_format": None if pr.draft_events is None else pr.child_format("draft_events"),
                "vanished": pr.vanished,
            }
        )
        self.pull_requests += 1
        load.counts["pull_requests"].per_partition[day] += 1
        for child in CHILDREN:
            spool = self._spools[child.name]
            for child_keys, payload in child.items(pr):
                spool.add({**keys, **child_keys, "payload": Jsonb(payload)})
                load.counts[child.name].per_partition[day] += 1
                if pr.vanished is not None:  # a child of a vanished pull request stays in raw only
                    load.problems[child.name].add(f"{child.name}.parent_vanished", day)

    def land(self, conn: Connection, partitions: list[dt.date]) -> PullRequestLoad:
        """Replace ``partitions`` in raw with what was added, in the caller's transaction."""
        for name, spool in self._spools.items():
            self.load.counts[name].raw_rows = spool.land(conn, partitions)
        return self.load

    def close(self) -> None:
        for spool in self._spools.values():
            spool.close()


def land_pull_requests(
    conn: Connection,
    fetched: Iterable[FetchedPullRequest],
    partitions: list[dt.date],
    fetched_at: dt.datetime,
) -> PullRequestLoad:
    """Replace ``partitions`` in raw with ``fetched`` (``PullRequestSpool``)."""
    spool = PullRequestSpool(fetched_at)
    try:
        for pr in fetched:
            spool.add(pr)
        return spool.land(conn, partitions)
    finally:
        spool.close()


def load_pull_requests(
    conn: Connection, fetched: list[FetchedPullRequest], partitions: list[dt.date], fetched_at: dt.datetime
) -> PullRequestLoad:
    """Land ``fetched`` in raw and stage those partitions from it, in the caller's transaction: what the two
    assets do one after the other, in one call (tests and tools)."""
    load = land_pull_requests(conn, fetched, partitions, fetched_at)
    # every day landed: a caller may hand pull requests whose own day is outside ``partitions``
    staging = stage_pull_requests(conn, sorted({*partitions, *(pr.partition_date for pr in fetched)}))
    for name in ENTITY_NAMES:
        load.counts[name].staged_rows = staging.staged[name]
        load.problems[name].counts.update(staging.problems[name].counts)
        for key, example in staging.problems[name].examples.items():
            load.problems[name].examples.setdefault(key, example)
    return load
