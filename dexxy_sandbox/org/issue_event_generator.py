"""A pull request's timeline events (GET /issues/{n}/events), derived from its record on demand.

Labels, assignees and review requests are set when the PR is opened; draft toggles, the merge, the close and
the head branch's deletion happen when the PR record says they did. Ids grow with the PR's id and, within a
PR, with time, so listing by id lists oldest first, as GitHub does.
"""

from __future__ import annotations

import datetime as dt

from dexxy_sandbox.org.model import IssueEvent, PullRequest, SyntheticOrg

EVENT_ID_BASE = 15_000_000_000


def generate_issue_events(org: SyntheticOrg, pr: PullRequest) -> tuple[IssueEvent, ...]:
    opened = pr.created_at
    author = pr.author
    bot_author = author.endswith("[bot]")
    pending: list[tuple[dt.datetime, int, IssueEvent]] = []

    def add(order: int, event: IssueEvent) -> None:
        pending.append((event.created_at, order, event))

    for label in pr.labels:
        add(0, IssueEvent(0, "labeled", author, opened, label=label))
    for assignee in pr.assignees:
        add(1, IssueEvent(0, "assigned", author, opened, subject=assignee))
    requested = dict.fromkeys(
        [r.reviewer for r in pr.reviews if not r.reviewer.endswith("[bot]")] + list(pr.requested_reviewers)
    )
    for reviewer in requested:
        if reviewer != author and not bot_author:
            add(2, IssueEvent(0, "review_requested", author, opened, subject=reviewer))
    for name, when in pr.draft_events:
        add(3, IssueEvent(0, name, author, when))
    closer = pr.merged_by or author
    if pr.merged_at is not None:
        add(4, IssueEvent(0, "merged", closer, pr.merged_at, commit_id=pr.merge_commit_sha))
        add(5, IssueEvent(0, "closed", closer, pr.merged_at, commit_id=pr.merge_commit_sha))
    elif pr.closed_at is not None:
        add(5, IssueEvent(0, "closed", author, pr.closed_at))
    if pr.head_ref_deleted_at is not None:
        add(6, IssueEvent(0, "head_ref_deleted", closer, pr.head_ref_deleted_at))
    pending.sort(key=lambda item: (item[0], item[1]))
    return tuple(
        IssueEvent(
            id=EVENT_ID_BASE + pr.id * 64 + index,
            event=event.event,
            actor=event.actor,
            created_at=event.created_at,
            commit_id=event.commit_id,
            label=event.label,
            subject=event.subject,
        )
        for index, (_, _, event) in enumerate(pending[:64])
    )
