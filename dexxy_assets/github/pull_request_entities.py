"""The child entities of a pull request (reviews, commits, files, check runs, comments), described once.

Landing reads ``items`` (raw key columns and the payload as fetched); staging reads the raw table back,
turns a GraphQL payload into the REST shape (``to_rest``) and ``parse``s it into a staging row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dexxy_assets.github import graphql_shapes, staging_rows
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.problems import ProblemLog

Row = dict[str, Any]


@dataclass(frozen=True)
class ChildEntity:
    """How one kind of child lands and stages. ``items`` yields (extra raw key columns, payload as fetched);
    ``parse`` turns the REST-shaped payload (with its raw key columns) into a staging row."""

    name: str
    raw_table: str
    raw_key_columns: tuple[str, ...]
    staging_table: str
    staging_key: tuple[str, ...]
    items: Callable[[FetchedPullRequest], Iterable[tuple[Row, Any]]]
    to_rest: Callable[[Row, Any], Any]
    parse: Callable[[Any, Row, Row, dt.datetime, ProblemLog], Row | None]


def _key(value: Any) -> int | str | None:
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None


def _plain(
    attribute: str, key_column: str, key_field: str, to_rest: Callable[[Any], Any]
) -> Callable[[FetchedPullRequest], Iterable[tuple[Row, Any]]]:
    def items(pr: FetchedPullRequest) -> Iterable[tuple[Row, Any]]:
        payload_format = pr.child_format(attribute)
        for payload in getattr(pr, attribute):
            shaped = to_rest(payload) if payload_format == "graphql" else payload
            key = shaped.get(key_field) if isinstance(shaped, dict) else None
            yield {key_column: _key(key), "payload_format": payload_format}, payload

    return items


_COMMENT_SHAPES = {"issue": graphql_shapes.issue_comment, "review": graphql_shapes.review_comment}


def _comments(pr: FetchedPullRequest) -> Iterable[tuple[Row, Any]]:
    for kind, payloads in (("issue", pr.issue_comments), ("review", pr.review_comments)):
        payload_format = pr.child_format(f"{kind}_comments")
        for payload in payloads:
            shaped = _COMMENT_SHAPES[kind](payload) if payload_format == "graphql" else payload
            comment_id = shaped.get("id") if isinstance(shaped, dict) else None
            yield (
                {
                    "comment_kind": kind,
                    "comment_id": comment_id if isinstance(comment_id, int) else None,
                    "payload_format": payload_format,
                },
                payload,
            )


def _same_shape(to_rest: Callable[[Any], Any]) -> Callable[[Row, Any], Any]:
    return lambda _keys, payload: to_rest(payload)


CHILDREN: tuple[ChildEntity, ...] = (
    ChildEntity(
        "reviews",
        "raw.github_reviews",
        ("review_id",),
        "staging.github_pr_reviews",
        ("review_id",),
        _plain("reviews", "review_id", "id", graphql_shapes.review),
        _same_shape(graphql_shapes.review),
        lambda payload, _keys, pr, at, problems: staging_rows.review_row(payload, pr, at, problems),
    ),
    ChildEntity(
        "commits",
        "raw.github_commits",
        ("sha",),
        "staging.github_pr_commits",
        ("pr_id", "sha"),
        _plain("commits", "sha", "sha", graphql_shapes.commit),
        _same_shape(graphql_shapes.commit),
        lambda payload, _keys, pr, at, problems: staging_rows.commit_row(payload, pr, at, problems),
    ),
    ChildEntity(
        "files",
        "raw.github_files",
        ("path",),
        "staging.github_pr_files",
        ("pr_id", "path"),
        _plain("files", "path", "filename", graphql_shapes.file),
        _same_shape(graphql_shapes.file),
        lambda payload, _keys, pr, at, problems: staging_rows.file_row(payload, pr, at, problems),
    ),
    ChildEntity(
        "check_runs",
        "raw.github_check_runs",
        ("check_run_id",),
        "staging.github_pr_check_runs",
        ("check_run_id",),
        _plain("check_runs", "check_run_id", "id", graphql_shapes.check_run),
        _same_shape(graphql_shapes.check_run),
        lambda payload, _keys, pr, at, problems: staging_rows.check_run_row(payload, pr, at, problems),
    ),
    ChildEntity(
        "comments",
        "raw.github_comments",
        ("comment_kind", "comment_id"),
        "staging.github_pr_comments",
        ("comment_kind", "comment_id"),
        _comments,
        lambda keys, payload: _COMMENT_SHAPES[keys["comment_kind"]](payload),
        lambda payload, keys, pr, at, problems: staging_rows.comment_row(
            payload, keys["comment_kind"], pr, at, problems
        ),
    ),
)
ENTITY_NAMES = ("pull_requests", *(child.name for child in CHILDREN))
