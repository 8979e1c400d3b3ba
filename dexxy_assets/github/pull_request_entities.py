"""The child entities of a pull request (reviews, commits, files, check runs, comments), described once.

Landing reads ``items`` (raw key columns and the payload as fetched); staging reads the raw table back and
hands each payload to the parser of its shape (``parsers[payload_format]``), which returns the entity's
typed record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dexxy_assets.github import graphql_records, rest_records
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.github.pull_request_records import PullRequestRecord, Record
from dexxy_assets.payload_fields import dig
from dexxy_assets.problems import ProblemLog

Row = dict[str, Any]
Parser = Callable[[Any, Row, PullRequestRecord, dt.datetime, ProblemLog], Record | None]
# where each shape keeps an entity's id: payload_format → path
_ID = {"rest": ("id",), "graphql": ("databaseId",)}


@dataclass(frozen=True)
class ChildEntity:
    """How one kind of child lands and stages. ``items`` yields (extra raw key columns, payload as fetched);
    ``parsers`` turn a payload of each shape (with its raw key columns) into the child's record."""

    name: str
    raw_table: str
    raw_key_columns: tuple[str, ...]
    staging_table: str
    staging_key: tuple[str, ...]
    items: Callable[[FetchedPullRequest], Iterable[tuple[Row, Any]]]
    parsers: Mapping[str, Parser]


def _key(value: Any) -> int | str | None:
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None


def pull_request_id(payload: Any, payload_format: str) -> int | None:
    """The pull request's id in either shape; None when unreadable."""
    value = dig(payload, *_ID.get(payload_format, _ID["rest"]))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _plain(
    attribute: str, key_column: str, key_paths: Mapping[str, tuple[str, ...]]
) -> Callable[[FetchedPullRequest], Iterable[tuple[Row, Any]]]:
    def items(pr: FetchedPullRequest) -> Iterable[tuple[Row, Any]]:
        payload_format = pr.child_format(attribute)
        for payload in getattr(pr, attribute):
            key = dig(payload, *key_paths.get(payload_format, key_paths["rest"]))
            yield {key_column: _key(key), "payload_format": payload_format}, payload

    return items


def _comments(pr: FetchedPullRequest) -> Iterable[tuple[Row, Any]]:
    for kind, payloads in (("issue", pr.issue_comments), ("review", pr.review_comments)):
        payload_format = pr.child_format(f"{kind}_comments")
        for payload in payloads:
            comment_id = dig(payload, *_ID.get(payload_format, _ID["rest"]))
            yield (
                {
                    "comment_kind": kind,
                    "comment_id": comment_id if isinstance(comment_id, int) else None,
                    "payload_format": payload_format,
                },
                payload,
            )


def _of_pull_request(parse: Callable[[Any, PullRequestRecord, dt.datetime, ProblemLog], Any]) -> Parser:
    return lambda payload, _keys, pr, at, problems: parse(payload, pr, at, problems)


def _comment(parse: Callable[[Any, str, PullRequestRecord, dt.datetime, ProblemLog], Any]) -> Parser:
    return lambda payload, keys, pr, at, problems: parse(payload, keys["comment_kind"], pr, at, problems)


def _parsers(name: str) -> dict[str, Parser]:
    wrap = _comment if name == "comment" else _of_pull_request
    return {
        "rest": wrap(getattr(rest_records, f"parse_{name}")),
        "graphql": wrap(getattr(graphql_records, f"parse_{name}")),
    }


CHILDREN: tuple[ChildEntity, ...] = (
    ChildEntity(
        "reviews",
        "raw.github_reviews",
        ("review_id",),
        "staging.github_pr_reviews",
        ("review_id",),
        _plain("reviews", "review_id", _ID),
        _parsers("review"),
    ),
    ChildEntity(
        "commits",
        "raw.github_commits",
        ("sha",),
        "staging.github_pr_commits",
        ("pr_id", "sha"),
        _plain("commits", "sha", {"rest": ("sha",), "graphql": ("commit", "oid")}),
        _parsers("commit"),
    ),
    ChildEntity(
        "files",
        "raw.github_files",
        ("path",),
        "staging.github_pr_files",
        ("pr_id", "path"),
        _plain("files", "path", {"rest": ("filename",), "graphql": ("path",)}),
        _parsers("file"),
    ),
    ChildEntity(
        "check_runs",
        "raw.github_check_runs",
        ("check_run_id",),
        "staging.github_pr_check_runs",
        ("check_run_id",),
        _plain("check_runs", "check_run_id", _ID),
        _parsers("check_run"),
    ),
    ChildEntity(
        "comments",
        "raw.github_comments",
        ("comment_kind", "comment_id"),
        "staging.github_pr_comments",
        ("comment_kind", "comment_id"),
        _comments,
        _parsers("comment"),
    ),
)
ENTITY_NAMES = ("pull_requests", *(child.name for child in CHILDREN))
