"""A pull request's timeline (`PullRequest.timelineItems`): its commits, reviews and comments plus events.

Events come from the model's issue events (`SyntheticOrg.issue_events`, what REST's `/issues/{n}/events`
serves), so both APIs tell the same story with the same ids. For an org without them the events are rebuilt
from the PR itself: its draft toggles (`PullRequest.draft_events`), merge, close and branch deletion.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dexxy_sandbox.github_graphql.records import issue_comments, issue_events
from dexxy_sandbox.org.model import PullRequest, SyntheticOrg

# REST issue-event names -> PullRequestTimelineItemsItemType (events the schema does not serve are skipped)
EVENT_ITEM_TYPES = {
    "ready_for_review": "READY_FOR_REVIEW_EVENT",
    "convert_to_draft": "CONVERT_TO_DRAFT_EVENT",
    "review_requested": "REVIEW_REQUESTED_EVENT",
    "merged": "MERGED_EVENT",
    "closed": "CLOSED_EVENT",
    "head_ref_deleted": "HEAD_REF_DELETED_EVENT",
    "labeled": "LABELED_EVENT",
    "assigned": "ASSIGNED_EVENT",
}


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A timeline event that is not one of the PR's own records (commits, reviews and comments are)."""

    kind: str  # a PullRequestTimelineItemsItemType value
    pr: PullRequest
    at: dt.datetime
    actor: str | None  # login
    id: int
    subject: str | None = None  # the requested reviewer or assignee
    label: str | None = None
    commit_id: str | None = None


def _synthetic_id(kind: str, pr: PullRequest, at: dt.datetime) -> int:
    return 4_000_000_000 + zlib.crc32(f"{kind}/{pr.id}/{at.isoformat()}".encode())


def _events_from_pr(pr: PullRequest) -> list[TimelineEvent]:
    """Events for an org without issue events: draft toggles, merge, close and the head branch's deletion."""
    events: list[TimelineEvent] = []
    for name, at in getattr(pr, "draft_events", ()):
        kind = EVENT_ITEM_TYPES.get(name, name)
        events.append(TimelineEvent(kind, pr, at, pr.author, _synthetic_id(kind, pr, at)))
    if pr.merged_at is not None:
        at = pr.merged_at
        events.append(
            TimelineEvent("MERGED_EVENT", pr, at, pr.merged_by, _synthetic_id("MERGED_EVENT", pr, at))
        )
    if pr.closed_at is not None:
        closer = pr.merged_by if pr.merged_at else pr.author
        at = pr.closed_at
        events.append(TimelineEvent("CLOSED_EVENT", pr, at, closer, _synthetic_id("CLOSED_EVENT", pr, at)))
    deleted_at = getattr(pr, "head_ref_deleted_at", None)
    if deleted_at is not None:
        kind = "HEAD_REF_DELETED_EVENT"
        events.append(
            TimelineEvent(
                kind, pr, deleted_at, pr.merged_by or pr.author, _synthetic_id(kind, pr, deleted_at)
            )
        )
    return events


def pr_events(org: SyntheticOrg, pr: PullRequest) -> list[TimelineEvent]:
    """The PR's events (not its commits, reviews or comments), in time order."""
    recorded = issue_events(org, pr)
    if recorded is None:
        return _events_from_pr(pr)
    events = [
        TimelineEvent(
            EVENT_ITEM_TYPES[event.event],
            pr,
            event.created_at,
            event.actor,
            event.id,
            subject=getattr(event, "subject", None),
            label=getattr(event, "label", None),
            commit_id=getattr(event, "commit_id", None),
        )
        for event in recorded
        if event.event in EVENT_ITEM_TYPES
    ]
    return sorted(events, key=lambda e: (e.at, e.id))


def timeline(
    org: SyntheticOrg,
    pr: PullRequest,
    item_types: set[str] | None,
    wrap: dict[str, Callable[[Any], Any]],
) -> list[tuple[dt.datetime, Any]]:
    """(when, item) in time order, only of `item_types` (None: all); `wrap` turns records into GraphQL views.

    `wrap` maps "commit", "review" and "comment" to functions turning a model record into the object that
    resolves as a PullRequestCommit, PullRequestReview or IssueComment.
    """

    def wanted(kind: str) -> bool:
        return item_types is None or kind in item_types

    items: list[tuple[dt.datetime, Any]] = [(e.at, e) for e in pr_events(org, pr) if wanted(e.kind)]
    if wanted("PULL_REQUEST_COMMIT"):
        items += [(commit.committed_at, wrap["commit"](commit)) for commit in org.commits(pr)]
    if wanted("PULL_REQUEST_REVIEW"):
        items += [(review.submitted_at, wrap["review"](review)) for review in pr.reviews]
    if wanted("ISSUE_COMMENT"):
        items += [(comment.created_at, wrap["comment"](comment)) for comment in issue_comments(org, pr)]
    items.sort(key=lambda item: item[0])  # stable: same-instant items keep the order above
    return items
