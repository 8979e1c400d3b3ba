"""A pull request as fetched, with everything fetched alongside it; what both fetch modes hand the loader.

Payloads stay exactly as the API sent them (raw keeps them verbatim). ``payload_format`` says whose shape:
``rest`` or ``graphql``; staging parses each shape straight into one typed record (``rest_records``,
``graphql_records``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Payload = Any


@dataclass(frozen=True)
class FetchedPullRequest:
    repo_full_name: str
    number: int | None  # None for a list entry too broken to fetch: kept for raw and counted
    updated_at: dt.datetime  # as listed: decides the partition
    detail: Payload
    reviews: list[Payload] = field(default_factory=list)
    commits: list[Payload] = field(default_factory=list)
    files: list[Payload] = field(default_factory=list)
    check_runs: list[Payload] = field(default_factory=list)
    issue_comments: list[Payload] = field(default_factory=list)
    review_comments: list[Payload] = field(default_factory=list)
    # ready_for_review / convert_to_draft events; None = not fetched
    draft_events: list[Payload] | None = None
    payload_format: str = "rest"
    # children re-read over REST because their GraphQL connection overflowed: those lists are REST-shaped
    rest_children: frozenset[str] = frozenset()
    # what answered 404 (deleted or transferred between listing and detail): kept as far as fetched, not
    # staged, counted as a problem of this pull request; None when fetched whole
    vanished: str | None = None
    # False when the client decoded no answer with text PostgreSQL cannot store during the fetch: the loader
    # then skips looking for it (``payload_repair``)
    may_hold_bad_text: bool = True

    def child_format(self, child: str) -> str:
        return "rest" if child in self.rest_children else self.payload_format

    @property
    def partition_date(self) -> dt.date:
        return self.updated_at.date()


def text_checked(
    fetched: Iterable[FetchedPullRequest], bad_text_seen: Callable[[], bool]
) -> Iterator[FetchedPullRequest]:
    """Mark each pull request as it is handed on: while no answer of the fetch so far held bad text
    (``bad_text_seen``, asked once the pull request was read, so its own answers count), none of its payloads
    need a repair scan (a vanished pull request's list entry came before the fetch, so it is always
    scanned)."""
    for pr in fetched:
        yield dataclasses.replace(pr, may_hold_bad_text=bad_text_seen() or pr.vanished is not None)
