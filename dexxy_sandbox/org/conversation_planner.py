"""Who comments on a pull request and when, planned over its whole life like the rest of its timeline.

Conversation comments fall at the times the PR plan already chose (`PrPlan.comment_times`). Inline review
comments are written just before the review that submits them; the PR author answers some of them (between
the review and the next push, or before the merge), and the reviewer sometimes answers back. Each PR draws
from a generator of its own, so planning comments leaves every other part of the org unchanged. Text, paths
and lines are generated later, on demand (`comment_generator`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from dexxy_sandbox.org.pr_planner import (
    COPILOT_REVIEWER,
    CommentEvent,
    EngineerProfile,
    PlanningContext,
    PrPlan,
)
from dexxy_sandbox.org.timeline import HOUR, hours

CI_BOT = "github-actions[bot]"  # posts coverage and preview-deployment reports into conversations
_SALT = 0xC0_FFEE_7A1C


def plan_conversation(plan: PrPlan, ctx: PlanningContext) -> None:
    """Fill `plan.conversation` with the PR's issue comments, inline comments and replies."""
    rng = random.Random(plan.seed ^ _SALT)
    author = ctx.profile(plan.author)
    reviewers = list(dict.fromkeys(r.reviewer for r in plan.reviews if ctx.profile(r.reviewer)))
    events: list[CommentEvent] = []
    for ts in plan.comment_times:
        who = _issue_commenter(rng, ctx, plan, author, reviewers, ts)
        edited = ts + rng.randint(60, 2 * HOUR) if rng.random() < 0.08 else None
        events.append(CommentEvent("issue", ts, who, edited))
    later = sorted(
        [*plan.fixup_times, *(r.ts for r in plan.reviews), *([plan.close_ts] if plan.close_ts else [])]
    )
    for review in plan.reviews:
        if review.comment_count <= 0:
            continue
        roots = []
        for index in range(review.comment_count):
            back = rng.randint(20, 900) * (review.comment_count - index)
            ts = min(max(review.ts - back, plan.created + index + 1), review.ts)
            roots.append(CommentEvent("review", ts, review.reviewer, review=review))
        events += roots
        if author is None or review.reviewer == plan.author:
            continue
        following = next((t for t in later if t > review.ts + 120), None)
        for root in roots:
            if rng.random() >= (0.3 if review.reviewer == COPILOT_REVIEWER else 0.45):
                continue
            reply_ts = _between(rng, review.ts, following, median_hours=1.5)
            if author.leave_ts <= reply_ts:
                continue
            events.append(CommentEvent("review", reply_ts, plan.author, reply_to=root))
            reviewer = ctx.profile(review.reviewer)
            if reviewer is not None and rng.random() < 0.25:
                back_ts = _between(rng, reply_ts, following, median_hours=0.7)
                if reviewer.leave_ts > back_ts:
                    events.append(CommentEvent("review", back_ts, review.reviewer, reply_to=root))
    plan.conversation = events


def _between(rng: random.Random, after: int, before: int | None, median_hours: float) -> int:
    """A moment after `after`: before `before` when there is one (the next push or the merge)."""
    if before is not None and before - after > 2:
        return after + 1 + int((before - after - 2) * rng.uniform(0.05, 0.9))
    return after + max(30, hours(rng, median_hours, 1.0, cap_hours=48))


def _issue_commenter(
    rng: random.Random,
    ctx: PlanningContext,
    plan: PrPlan,
    author: EngineerProfile | None,
    reviewers: list[str],
    ts: int,
) -> str:
    """The CI bot, the author, a reviewer or a teammate; never someone who had already left."""
    draw = rng.random()
    if draw < 0.15:
        return CI_BOT
    active = [login for login in reviewers if ctx.by_login[login].leave_ts > ts]
    if draw < 0.5 and author is not None and author.leave_ts > ts:
        return plan.author
    if draw < 0.85 and active:
        return rng.choice(active)
    anchor = author or ctx.profiles[rng.randrange(len(ctx.profiles))]
    return ctx.pick_reviewer(rng, anchor, ts, set())


def assign_comment_ids(rng: random.Random, plans: Iterable[PrPlan]) -> None:
    """Ids org-wide in creation order, one sequence for issue comments and one for review comments."""
    # (ts, seed, index) is unique, so sorting never compares the events themselves
    ordered = sorted(
        [
            (event.ts, plan.seed, index, event)
            for plan in plans
            for index, event in enumerate(plan.conversation)
        ]
    )
    next_ids = {
        "issue": 2_400_000_000 + rng.randrange(10_000_000),
        "review": 1_900_000_000 + rng.randrange(10_000_000),
    }
    for _, _, _, event in ordered:
        next_ids[event.kind] += rng.randint(3, 900)
        event.id = next_ids[event.kind]
