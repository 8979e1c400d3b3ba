"""A pull-request plan as seen at one instant: what has happened by `as_of` and nothing after it."""

from __future__ import annotations

from bisect import bisect_right

from dexxy_sandbox.org.github_ids import commit_sha, legacy_node_id, merge_commit_sha, stable_sha
from dexxy_sandbox.org.model import CommentStamp, CommitPlan, PullRequest, Review
from dexxy_sandbox.org.pr_planner import CommentEvent, PrPlan
from dexxy_sandbox.org.timeline import to_datetime


def snapshot(plan: PrPlan, as_of: int) -> PullRequest | None:
    """The PR as GitHub would show it at `as_of`; None if it was not opened yet."""
    if plan.created > as_of:
        return None
    fixups = [ts for ts in plan.fixup_times if ts <= as_of]
    events = [event for event in plan.reviews if event.ts <= as_of]
    closed = plan.close_ts is not None and plan.close_ts <= as_of
    comment_times = [ts for ts in plan.comment_times if ts <= as_of]
    deleted_ts = plan.branch_deleted_ts
    branch_deleted = deleted_ts if closed and deleted_ts is not None and deleted_ts <= as_of else None
    commit_count = plan.initial_commits + len(fixups)

    def head_at(ts: int) -> str:
        return commit_sha(plan.seed, plan.initial_commits + bisect_right(fixups, ts) - 1)

    reviews = tuple(
        Review(
            id=event.id,
            node_id=legacy_node_id("PullRequestReview", event.id),
            reviewer=event.reviewer,
            state=event.state,
            body=event.body,
            submitted_at=to_datetime(event.ts),
            commit_id=head_at(event.ts),
            comment_count=event.comment_count,
        )
        for event in events
    )
    issue_stamps, review_stamps, comment_activity = _comment_stamps(plan.conversation, as_of)
    toggles = [(ts, name) for ts, name in plan.draft_toggles if ts <= as_of]
    is_draft = plan.opened_as_draft
    for _, name in toggles:
        is_draft = name == "convert_to_draft"
    activity = [plan.created, *fixups, *(e.ts for e in events), *comment_times, *comment_activity]
    activity += [ts for ts, _ in toggles]
    if closed:
        activity.append(plan.close_ts or plan.created)
    if branch_deleted:
        activity.append(branch_deleted)
    merged = closed and plan.merged
    original = plan.reverts
    commit_plan = CommitPlan(
        seed=plan.seed,
        initial_count=plan.initial_commits,
        first_commit_at=to_datetime(plan.first_commit_ts),
        fixup_times=tuple(to_datetime(ts) for ts in fixups),
        style=plan.commit_style,
        ai_tools=plan.ai_tools,
        co_author=plan.co_author,
        suggestion_by=plan.suggestion_by if fixups else None,
        reverted_merge_sha=merge_commit_sha(original.seed) if original else None,
    )
    return PullRequest(
        repo=plan.repo.name,
        number=plan.number,
        id=plan.id,
        node_id=legacy_node_id("PullRequest", plan.id),
        title=plan.title,
        body=plan.body,
        author=plan.author,
        head_ref=plan.head_ref,
        base_ref=plan.repo.default_branch,
        head_sha=commit_sha(plan.seed, commit_count - 1),
        base_sha=stable_sha("base", plan.seed),
        created_at=to_datetime(plan.created),
        updated_at=to_datetime(max(activity)),
        closed_at=to_datetime(plan.close_ts) if closed and plan.close_ts else None,
        merged_at=to_datetime(plan.close_ts) if merged and plan.close_ts else None,
        merged_by=plan.merged_by if merged else None,
        merge_commit_sha=None if closed and not merged else merge_commit_sha(plan.seed),
        draft=is_draft and not closed,
        mergeable=None if closed else plan.mergeable,
        additions=plan.additions,
        deletions=plan.deletions,
        changed_files=plan.changed_files,
        comments=len(issue_stamps),
        review_comments=len(review_stamps),
        labels=plan.labels,
        assignees=plan.assignees,
        requested_reviewers=() if closed else plan.requested_reviewers,
        reviews=reviews,
        commit_plan=commit_plan,
        kind=plan.kind,
        jira_key=plan.jira_key,
        ai_tools=plan.ai_tools,
        reverts_number=original.number if original else None,
        issue_comment_stamps=issue_stamps,
        review_comment_stamps=review_stamps,
        draft_events=tuple((name, to_datetime(ts)) for ts, name in toggles),
        opened_as_draft=plan.opened_as_draft,
        head_ref_deleted_at=to_datetime(branch_deleted) if branch_deleted else None,
    )


def _comment_stamps(
    conversation: list[CommentEvent], as_of: int
) -> tuple[tuple[CommentStamp, ...], tuple[CommentStamp, ...], list[int]]:
    """Comments visible at `as_of` (issue, review) and the moments they add to the PR's activity.

    An inline comment becomes visible when its review is submitted; an edit made after `as_of` has not
    happened yet. Ids grow with creation time, so sorting by id lists oldest first, as GitHub does."""
    issue: list[CommentStamp] = []
    review: list[CommentStamp] = []
    activity: list[int] = []
    for event in conversation:
        if event.kind == "issue":
            if event.ts > as_of:
                continue
            edited = event.edited_ts if event.edited_ts is not None and event.edited_ts <= as_of else event.ts
            issue.append(CommentStamp(event.id, event.author, to_datetime(event.ts), to_datetime(edited)))
            activity.append(edited)
        elif event.review is not None:
            if event.review.ts > as_of:
                continue
            stamp = CommentStamp(
                event.id, event.author, to_datetime(event.ts), to_datetime(event.review.ts), event.review.id
            )
            review.append(stamp)
        elif event.reply_to is not None and event.ts <= as_of:
            ts = to_datetime(event.ts)
            review.append(CommentStamp(event.id, event.author, ts, ts, None, event.reply_to.id))
            activity.append(event.ts)
    return (
        tuple(sorted(issue, key=lambda c: c.id)),
        tuple(sorted(review, key=lambda c: c.id)),
        activity,
    )
