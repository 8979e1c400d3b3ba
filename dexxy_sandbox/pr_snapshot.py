"""A pull-request plan as seen at one instant: what has happened by `as_of` and nothing after it."""

from __future__ import annotations

from bisect import bisect_right

from dexxy_sandbox.github_ids import commit_sha, legacy_node_id, stable_sha
from dexxy_sandbox.org_model import CommitPlan, PullRequest, Review
from dexxy_sandbox.pr_planner import PrPlan
from dexxy_sandbox.timeline import to_datetime


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
        )
        for event in events
    )
    activity = [plan.created, *fixups, *(e.ts for e in events), *comment_times]
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
        reverted_merge_sha=stable_sha("merge", original.seed) if original else None,
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
        merge_commit_sha=None if closed and not merged else stable_sha("merge", plan.seed),
        draft=plan.draft and not closed,
        mergeable=None if closed else plan.mergeable,
        additions=plan.additions,
        deletions=plan.deletions,
        changed_files=plan.changed_files,
        comments=len(comment_times),
        review_comments=sum(e.comment_count for e in events),
        labels=plan.labels,
        assignees=plan.assignees,
        requested_reviewers=() if closed else plan.requested_reviewers,
        reviews=reviews,
        commit_plan=commit_plan,
        kind=plan.kind,
        jira_key=plan.jira_key,
        ai_tools=plan.ai_tools,
        reverts_number=original.number if original else None,
    )
