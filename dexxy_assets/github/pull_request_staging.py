"""Staging is derived from raw: parse the stored pull requests of some days, and their children, into staging.

Pull requests merge newest-wins by (updated_at, fetched_at), so re-staging an older partition never
overwrites a newer version and re-staging the same raw (a new parser version) replaces it. Children carry
their pull request's version; children older than their pull request's current version are removed (a
force-push drops commits). A vanished pull request (``raw.github_pull_requests.vanished``) stays in raw only:
the landing counted it. Reads no API: a parser or rule change reaches old rows by re-staging alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from dexxy_assets.github import graphql_records, rest_records
from dexxy_assets.github.pull_request_entities import CHILDREN, ENTITY_NAMES, ChildEntity, Row
from dexxy_assets.github.pull_request_records import PullRequestRecord, as_row
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import lock_partitions, upsert
from resources.sql_template import render_sql

_PARENT = ("partition_date", "repo_full_name", "pr_number", "pr_id", "fetched_at")
_RAW_PULL_REQUESTS = text(
    "SELECT partition_date, repo_full_name, pr_number, pr_id, fetched_at, payload_format, payload, "
    "draft_events, draft_events_format, vanished FROM raw.github_pull_requests "
    "WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row"
)
_RAW_CHILDREN = """
SELECT {{ columns | ident_list }} FROM {{ table | ident }}
WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row
"""
_RAW_DAY_COUNTS = text(
    "SELECT partition_date, count(*) FROM raw.github_pull_requests WHERE partition_date = ANY(:days) "
    "GROUP BY partition_date ORDER BY partition_date"
)
# pull requests staged per group of days: their keys are what the children need (``day_groups``)
GROUP_PULL_REQUESTS = 5_000
_DELETE_STALE_CHILDREN = """
DELETE FROM {{ table | ident }} AS child
USING staging.github_pull_requests AS pr
WHERE child.pr_id = pr.pr_id
  AND child.pr_id = ANY(:pr_ids)
  AND (child.pr_updated_at, child.fetched_at) < (pr.updated_at, pr.fetched_at)
"""
# raw read through a server-side cursor, 500 rows at a time (per statement: on the connection it would
# also apply to the loads that follow)
_STREAMED = {"stream_results": True, "max_row_buffer": 500}
_VANISHED = "vanished"  # a parent that is in raw but must not be staged (already counted by the landing)


@dataclass
class PullRequestStaging:
    """Per entity: rows staged and problems met; pull requests staged per partition day."""

    staged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITY_NAMES, 0))
    per_partition: Counter[dt.date] = field(default_factory=Counter)
    problems: dict[str, ProblemLog] = field(
        default_factory=lambda: {name: ProblemLog() for name in ENTITY_NAMES}
    )

    def all_problems(self) -> ProblemLog:
        """Every entity's problems in one log (their codes are prefixed by entity)."""
        merged = ProblemLog()
        for log in self.problems.values():
            merged.counts.update(log.counts)
            for key, example in log.examples.items():
                merged.examples.setdefault(key, example)
        return merged


# payload_format → parser: each shape parses straight into the typed record
_PULL_REQUEST_PARSERS = {
    "rest": rest_records.parse_pull_request,
    "graphql": graphql_records.parse_pull_request,
}
_DRAFT_EVENT_PARSERS = {"rest": rest_records.draft_events, "graphql": graphql_records.draft_events}


def _draft_events(events: Any, payload_format: str) -> list[tuple[str, dt.datetime]] | None:
    """The (event, at) pairs; None when the events were not fetched."""
    if events is None:
        return None
    return _DRAFT_EVENT_PARSERS.get(payload_format, rest_records.draft_events)(events)


def stage_pull_requests(conn: Connection, days: Sequence[dt.date]) -> PullRequestStaging:
    """Parse the raw pull requests of ``days`` and their children, and merge them into staging. Raw is read
    through a server-side cursor and parsed rows go straight to COPY; the days are staged a group at a time
    (``day_groups``), so what is held for the children is one group's pull requests, whatever the window."""
    lock_partitions(conn, "raw.github_pull_requests", days)
    result = PullRequestStaging()
    for group in day_groups(conn, days):
        _stage_day_group(conn, group, result)
    return result


def day_groups(conn: Connection, days: Sequence[dt.date], most: int | None = None) -> list[list[dt.date]]:
    """``days`` in order, cut into groups of at most ``most`` (``GROUP_PULL_REQUESTS``) raw pull requests (a
    day holding more is a group of its own). A child is landed in its pull request's day, so a group holds
    every child of its pull requests."""
    counts = dict(conn.execute(_RAW_DAY_COUNTS, {"days": list(days)}).tuples().all())
    most = most or GROUP_PULL_REQUESTS
    groups: list[list[dt.date]] = []
    held = 0
    for day in sorted(set(days)):
        count = counts.get(day, 0)
        if not groups or (held + count > most and held > 0):
            groups.append([])
            held = 0
        groups[-1].append(day)
        held += count
    return groups


def _stage_day_group(conn: Connection, days: list[dt.date], result: PullRequestStaging) -> None:
    parents: dict[tuple[Any, ...], PullRequestRecord | str | None] = {}
    pr_ids: set[int] = set()

    def staged_prs() -> Iterator[Row]:
        for raw in conn.execute(_RAW_PULL_REQUESTS, {"days": list(days)}, execution_options=_STREAMED):
            key = tuple(getattr(raw, column) for column in _PARENT)
            if raw.vanished is not None:
                parents[key] = _VANISHED
                continue
            parse = _PULL_REQUEST_PARSERS.get(raw.payload_format, rest_records.parse_pull_request)
            record = parse(
                raw.payload,
                raw.repo_full_name,
                raw.partition_date,
                raw.fetched_at,
                result.problems["pull_requests"],
                _draft_events(raw.draft_events, raw.draft_events_format or raw.payload_format),
            )
            # the children need only the pull request's keys: a backfill's titles and bodies are not held
            parents[key] = dataclasses.replace(record, title=None, body=None) if record else record
            if record:
                row = as_row(record)
                pr_ids.add(row["pr_id"])
                result.per_partition[raw.partition_date] += 1
                yield row

    result.staged["pull_requests"] += _upsert_rows(
        conn, "staging.github_pull_requests", staged_prs(), ("pr_id",), ("updated_at", "fetched_at")
    )
    for child in CHILDREN:
        problems = result.problems[child.name]
        columns = [*_PARENT, "payload_format", "payload", *child.raw_key_columns]
        sql = render_sql(_RAW_CHILDREN, table=child.raw_table, columns=columns)

        def staged_children(
            child: ChildEntity = child, problems: ProblemLog = problems, sql: str = sql
        ) -> Iterator[Row]:
            for raw in conn.execute(text(sql), {"days": list(days)}, execution_options=_STREAMED):
                parent = parents.get(tuple(getattr(raw, column) for column in _PARENT))
                if parent == _VANISHED:
                    continue  # counted as ``<child>.parent_vanished`` when landed
                if not isinstance(
                    parent, PullRequestRecord
                ):  # a child of an unkeyable pull request: raw only
                    problems.add(f"{child.name}.parent_unkeyed", raw.partition_date)
                    continue
                parse_child = child.parsers.get(raw.payload_format, child.parsers["rest"])
                if record := parse_child(raw.payload, dict(raw._mapping), parent, raw.fetched_at, problems):
                    yield as_row(record)

        result.staged[child.name] += _upsert_rows(
            conn, child.staging_table, staged_children(), child.staging_key, ("pr_updated_at", "fetched_at")
        )
        conn.execute(
            text(render_sql(_DELETE_STALE_CHILDREN, table=child.staging_table)), {"pr_ids": sorted(pr_ids)}
        )


def _upsert_rows(
    conn: Connection, table: str, rows: Iterator[Row], keys: tuple[str, ...], version: tuple[str, ...]
) -> int:
    first = next(rows, None)
    if first is None:
        return 0
    return upsert(conn, table, list(first.keys()), itertools.chain([first], rows), keys, version)
