"""Generates the org's issues and discussions, lazily, the first time a request needs them.

They take the numbers the pull requests left free in each repository (GitHub numbers issues, pull requests
and discussions in one sequence), at a time between their neighbours' creation; each slot draws a fixed
number of values from its repository's generator and plans the rest from a seed of its own, so a slot's issue
does not change when another's does. Plans are cut at the org's `as_of`. Generation reads the pull requests
only (to close issues by a merge), so `generate_org` costs nothing more; `issue_book(org)` builds it once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from typing import TypeVar

from dexxy_sandbox.org.conversation_planner import CI_BOT
from dexxy_sandbox.org.github_ids import legacy_node_id
from dexxy_sandbox.org.issue_model import (
    DISCUSSION_CATEGORIES,
    Discussion,
    DiscussionComment,
    Issue,
    IssueBook,
    IssueStateEvent,
)
from dexxy_sandbox.org.model import Account, IssueComment, PullRequest, Repository, SyntheticOrg
from dexxy_sandbox.org.timeline import DAY, HOUR, hours, poisson, to_datetime

ISSUE_SHARE, DISCUSSION_SHARE = 0.7, 0.12  # of the free numbers; the rest stay free (transfers land there)
TRANSFER_RATE = 0.02
MIN_DISCUSSIONS = 2  # per repository, so even a small org has some
DELETED_DISCUSSION_RATE = 0.04
ISSUE_ID_BASE, ISSUE_COMMENT_ID_BASE = 3_300_000_000, 2_650_000_000
DISCUSSION_ID_BASE, DISCUSSION_COMMENT_ID_BASE = 5_200_000, 9_100_000
EVENT_ID_BASE = 16_000_000_000
# one issue and one discussion per org hold more than a GraphQL page (the product asks comments(first: 100),
# comments(first: 25) and replies(first: 25)), so paging through a long thread is exercised everywhere
LONG_ISSUE_COMMENTS, LONG_DISCUSSION_COMMENTS, LONG_THREAD_REPLIES = 130, 40, 30
LONG_THREAD_STEP = 40 * 60  # seconds between two of their comments: about four days in all

# kind: (weight, labels, share closed, median hours to close, share not planned, comments per issue)
_KINDS = {
    "bug": (34, ("bug",), 0.75, 60.0, 0.1, 1.4),
    "incident": (8, ("incident", "bug"), 0.95, 5.0, 0.0, 2.5),
    "enhancement": (30, ("enhancement",), 0.45, 240.0, 0.35, 1.0),
    "question": (12, ("question",), 0.8, 30.0, 0.25, 1.6),
    "documentation": (16, ("documentation",), 0.65, 120.0, 0.15, 0.6),
}
_KIND_NAMES = tuple(_KINDS)
_KIND_WEIGHTS = tuple(v[0] for v in _KINDS.values())
_EXTRA_LABELS = ("needs-triage", "good first issue", "priority:high", "customer-reported")
_SUBJECTS = (
    "checkout",
    "login",
    "search",
    "export",
    "billing page",
    "webhook retries",
    "CSV import",
    "cache",
)
_SYMPTOMS = ("returns 500", "times out", "shows stale data", "double-charges", "drops events", "is slow")
_IDEAS = ("Support bulk edit in", "Add dark mode to", "Allow filtering by team in", "Paginate")
_QUESTIONS = ("How do I configure", "Why does CI fail on", "Where is the runbook for", "Can we deprecate")
_DISCUSSION_TITLES = ("RFC:", "Proposal:", "Question about", "Heads-up:", "Retro notes:")


@dataclass
class _Slot:
    repo: Repository
    number: int
    ts: int
    kind: str  # issue, discussion or free
    seed: int


@dataclass
class _IssuePlan:
    slot: _Slot
    kind: str
    author: str
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    title: str
    events: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)
    comments: list[tuple[int, int, str]] = field(default_factory=list)  # (created, updated, author)
    transfer: tuple[int, Repository] | None = None
    target_number: int | None = None


def issue_book(org: SyntheticOrg) -> IssueBook:
    """The org's issues and discussions as of `org.as_of` (built on first use, then kept with the org)."""
    with org._detail_lock:
        if org.issue_book is None:
            org.issue_book = generate_issue_book(org)
        book: IssueBook = org.issue_book
        return book


def generate_issue_book(org: SyntheticOrg) -> IssueBook:
    as_of = int(org.as_of.timestamp())
    people = [a for a in org.engineers]
    slots = {repo.name: _slots(org, repo) for repo in org.repositories}
    merges = {repo.name: _merges(org.pulls(repo.name)) for repo in org.repositories}
    plans = [
        _plan_issue(org, slot, people, merges[slot.repo.name])
        for repo in org.repositories
        for slot in slots[repo.name]
        if slot.kind == "issue"
    ]
    _plan_transfers(org, plans, slots)
    _lengthen_one_issue(org, plans)
    discussions = [
        _plan_discussion(org, slot, people)
        for repo in org.repositories
        for slot in slots[repo.name]
        if slot.kind == "discussion"
    ]
    if discussions and not any(d.deleted_at for d in discussions):  # at least one, for the bad-input case
        earliest = min(discussions, key=lambda d: (d.slot.ts, d.slot.seed))  # the same at any later as_of
        earliest.deleted_at = earliest.created_at + dt.timedelta(days=3)
    _lengthen_one_discussion(org, discussions)
    return _snapshot(org, plans, discussions, as_of)


_Planned = TypeVar("_Planned", "_IssuePlan", "_DiscussionPlan")


def _earliest(
    org: SyntheticOrg, plans: list[_Planned]
) -> tuple[_Planned, random.Random, list[Account]] | None:
    """The earliest of ``plans`` (the same whatever the as_of) with a generator of its own and its team."""
    if not plans:
        return None
    plan = min(plans, key=lambda p: (p.slot.ts, p.slot.seed))
    return (
        plan,
        random.Random(f"{plan.slot.seed}:long-thread"),
        _people_of(list(org.engineers), plan.slot.repo, org),
    )


def _lengthen_one_issue(org: SyntheticOrg, plans: list[_IssuePlan]) -> None:
    """The earliest issue that stays where it is gets LONG_ISSUE_COMMENTS more comments, one every
    LONG_THREAD_STEP from an hour after its creation (the same whatever the as_of)."""
    chosen = _earliest(org, [p for p in plans if p.transfer is None])
    if chosen is None:
        return
    plan, rng, team = chosen
    start = plan.slot.ts + HOUR
    for step in range(LONG_ISSUE_COMMENTS):
        at = start + step * LONG_THREAD_STEP
        plan.comments.append((at, at, rng.choice(team).login))
    plan.comments.sort()


def _lengthen_one_discussion(org: SyntheticOrg, plans: list[_DiscussionPlan]) -> None:
    """The earliest discussion never deleted gets LONG_DISCUSSION_COMMENTS more comments, the first of them
    with LONG_THREAD_REPLIES replies, after its own (their indices, the answer's too, stay)."""
    chosen = _earliest(org, [p for p in plans if p.deleted_at is None])
    if chosen is None:
        return
    plan, rng, team = chosen
    at = max([plan.slot.ts, *(c[0] for c in plan.comments)])
    first = len(plan.comments)
    for step in range(LONG_DISCUSSION_COMMENTS + LONG_THREAD_REPLIES):
        at += LONG_THREAD_STEP
        reply_to = first if 1 <= step <= LONG_THREAD_REPLIES else None
        plan.comments.append((at, rng.choice(team).login, reply_to))


# ----- slots -----
def _slots(org: SyntheticOrg, repo: Repository) -> list[_Slot]:
    rng = random.Random(f"{org.seed}:{repo.id}:issues")
    pulls = org.pulls(repo.name)
    slots: list[_Slot] = []
    for before, after in itertools.pairwise(pulls):
        gap = after.number - before.number
        start, end = int(before.created_at.timestamp()), int(after.created_at.timestamp())
        for step in range(1, gap):
            draw, seed = rng.random(), rng.getrandbits(63)
            kind = (
                "issue"
                if draw < ISSUE_SHARE
                else "discussion"
                if draw < ISSUE_SHARE + DISCUSSION_SHARE
                else "free"
            )
            slots.append(_Slot(repo, before.number + step, start + (end - start) * step // gap, kind, seed))
    for slot in slots[:MIN_DISCUSSIONS]:  # the earliest: the same whatever the as_of
        slot.kind = "discussion"
    return slots


def _merges(pulls: tuple[PullRequest, ...]) -> tuple[list[int], list[PullRequest]]:
    merged = sorted((pr for pr in pulls if pr.merged_at), key=lambda pr: (pr.merged_at, pr.number))
    return [int(pr.merged_at.timestamp()) for pr in merged if pr.merged_at], merged


# ----- issues -----
def _people_of(people: list[Account], repo: Repository, org: SyntheticOrg) -> list[Account]:
    """The engineers of the team that works most on the repository (everyone when that is unclear)."""
    teams = [pr_author.team for pr in org.pulls(repo.name)[:40] if (pr_author := org.account(pr.author))]
    team = max(set(teams) - {None}, key=teams.count, default=None) if teams else None
    return [p for p in people if p.team == team] or people


def _plan_issue(
    org: SyntheticOrg, slot: _Slot, people: list[Account], merges: tuple[list[int], list[PullRequest]]
) -> _IssuePlan:
    rng = random.Random(slot.seed)
    kind = rng.choices(_KIND_NAMES, weights=_KIND_WEIGHTS)[0]
    _, labels, closed_share, close_hours, not_planned, comment_rate = _KINDS[kind]
    team = _people_of(people, slot.repo, org)
    author = CI_BOT if kind == "bug" and rng.random() < 0.08 else rng.choice(team).login
    extra = (rng.choice(_EXTRA_LABELS),) if rng.random() < 0.3 else ()
    severity = (rng.choice(("sev1", "sev2", "sev3")),) if kind == "incident" else ()
    assignees = tuple(
        dict.fromkeys(a.login for a in rng.sample(team, min(len(team), rng.choice((0, 1, 1, 2)))))
    )
    plan = _IssuePlan(slot, kind, author, (*labels, *severity, *extra), assignees, _title(rng, kind))
    created = slot.ts
    close_at: int | None = None
    if rng.random() < closed_share:
        times, merged = merges
        by_pr = kind in ("bug", "incident") and rng.random() < 0.55
        index = bisect.bisect_right(times, created + HOUR)
        if by_pr and index < len(times) and times[index] < created + 21 * DAY:
            pr = merged[index]
            close_at = times[index]
            plan.events.append(
                (
                    close_at,
                    "closed",
                    {
                        "actor": pr.merged_by or pr.author,
                        "state_reason": "completed",
                        "closer_repo": pr.repo,
                        "closer_number": pr.number,
                        "commit_id": pr.merge_commit_sha,
                    },
                )
            )
        else:
            close_at = created + max(HOUR // 6, hours(rng, close_hours, 1.1, 24 * 60))
            reason = "not_planned" if rng.random() < not_planned else "completed"
            closer = rng.choice(plan.assignees or (plan.author if plan.author != CI_BOT else team[0].login,))
            plan.events.append((close_at, "closed", {"actor": closer, "state_reason": reason}))
        if rng.random() < 0.08:  # reopened, usually closed again
            reopen = close_at + hours(rng, 20.0, 1.0, 24 * 10)
            plan.events.append((reopen, "reopened", {"actor": plan.author, "state_reason": "reopened"}))
            if rng.random() < 0.7:
                close_at = reopen + hours(rng, 30.0, 1.0, 24 * 20)
                plan.events.append((close_at, "closed", {"actor": plan.author, "state_reason": "completed"}))
    last = close_at if close_at is not None else created + 14 * DAY
    for _ in range(poisson(rng, comment_rate)):
        at = created + rng.randrange(max(60, last - created))
        who = CI_BOT if rng.random() < 0.1 else rng.choice(team).login
        plan.comments.append((at, at + (rng.randrange(600, 7200) if rng.random() < 0.1 else 0), who))
    plan.comments.sort()
    if rng.random() < TRANSFER_RATE and len(org.repositories) > 1:
        target = rng.choice([r for r in org.repositories if r is not slot.repo])
        plan.transfer = (created + hours(rng, 3.0, 0.8, 48), target)
    return plan


def _title(rng: random.Random, kind: str) -> str:
    subject = rng.choice(_SUBJECTS)
    if kind in ("bug", "incident"):
        prefix = "Incident: " if kind == "incident" else ""
        return f"{prefix}{subject.capitalize()} {rng.choice(_SYMPTOMS)}"
    if kind == "question":
        return f"{rng.choice(_QUESTIONS)} {subject}?"
    if kind == "documentation":
        return f"Document the {subject} flow"
    return f"{rng.choice(_IDEAS)} {subject}"


def _plan_transfers(org: SyntheticOrg, plans: list[_IssuePlan], slots: dict[str, list[_Slot]]) -> None:
    """Each transferred issue takes the first free number of its new repository after the transfer."""
    if len(org.repositories) > 1 and plans and not any(p.transfer for p in plans):
        chosen = min(plans, key=lambda p: (p.slot.ts, p.slot.seed))  # at least one, for the bad-input case
        others = [r for r in org.repositories if r is not chosen.slot.repo]
        chosen.transfer = (chosen.slot.ts + 2 * HOUR, others[0])
    taken: set[tuple[str, int]] = set()
    for plan in sorted((p for p in plans if p.transfer), key=lambda p: (p.transfer[0], p.slot.seed)):  # type: ignore[index]
        when, target = plan.transfer  # type: ignore[misc]
        free = [s for s in slots[target.name] if s.kind == "free" and (target.name, s.number) not in taken]
        after = [s for s in free if s.ts >= when] or free
        if after:
            plan.target_number = after[0].number
        else:  # no free number: the next after the repository's last one
            numbers = [pr.number for pr in org.pulls(target.name)] + [s.number for s in slots[target.name]]
            plan.target_number = max(numbers, default=0) + 1 + len(taken)
        taken.add((target.name, plan.target_number))
        actor = plan.assignees[0] if plan.assignees else plan.author
        plan.events.append(
            (
                when,
                "transferred",
                {"actor": actor, "from_repo": plan.slot.repo.name, "from_number": plan.slot.number},
            )
        )


# ----- discussions -----
@dataclass
class _DiscussionPlan:
    slot: _Slot
    id: int
    title: str
    author: str
    category: str
    created_at: dt.datetime
    comments: list[tuple[int, str, int | None]]  # (created, author, index of the comment it replies to)
    answer_index: int | None
    answer_chosen_ts: int | None
    closed: tuple[int, str] | None
    deleted_at: dt.datetime | None


def _plan_discussion(org: SyntheticOrg, slot: _Slot, people: list[Account]) -> _DiscussionPlan:
    rng = random.Random(slot.seed)
    team = _people_of(people, slot.repo, org)
    category = rng.choices(DISCUSSION_CATEGORIES, weights=(35, 35, 20, 10))[0]
    author = rng.choice(team).login
    created = slot.ts
    comments: list[tuple[int, str, int | None]] = []
    at = created
    for _ in range(poisson(rng, 2.0)):
        at += hours(rng, 6.0, 1.2, 24 * 7)
        tops = [i for i, c in enumerate(comments) if c[2] is None]
        reply_to = rng.choice(tops) if tops and rng.random() < 0.3 else None
        comments.append((at, rng.choice(team).login, reply_to))
    answer_index = answer_ts = None
    if category[3] and rng.random() < 0.6:
        candidates = [i for i, c in enumerate(comments) if c[2] is None and c[1] != author]
        if candidates:
            answer_index = candidates[0]
            answer_ts = comments[answer_index][0] + hours(rng, 4.0, 1.0, 24 * 5)
    closed = None
    if rng.random() < 0.1:
        closed = (
            max([created, *(c[0] for c in comments)]) + DAY,
            rng.choice(("RESOLVED", "OUTDATED", "DUPLICATE")),
        )
    deleted = (
        to_datetime(created + hours(rng, 72.0, 1.0, 24 * 30))
        if rng.random() < DELETED_DISCUSSION_RATE
        else None
    )
    title = f"{rng.choice(_DISCUSSION_TITLES)} {rng.choice(_SUBJECTS)}"
    return _DiscussionPlan(
        slot,
        0,
        title,
        author,
        category[0],
        to_datetime(created),
        comments,
        answer_index,
        answer_ts,
        closed,
        deleted,
    )


# ----- the snapshot at as_of -----
def _snapshot(
    org: SyntheticOrg, plans: list[_IssuePlan], discussions: list[_DiscussionPlan], as_of: int
) -> IssueBook:
    # one generator per id sequence, so an item's id does not move when a later item of another kind appears
    id_rng = random.Random(f"{org.seed}:issue-ids")
    issue_ids: dict[int, int] = {}
    next_id = ISSUE_ID_BASE + id_rng.randrange(10_000_000)
    for plan in sorted(plans, key=lambda p: (p.slot.ts, p.slot.seed)):
        next_id += id_rng.randint(30, 3_000)
        issue_ids[id(plan)] = next_id
    comment_order = sorted(
        (
            (at, plan.slot.seed, index, id(plan))
            for plan in plans
            for index, (at, _, _) in enumerate(plan.comments)
        )
    )
    comment_ids: dict[tuple[int, int], int] = {}
    id_rng = random.Random(f"{org.seed}:issue-comment-ids")
    next_id = ISSUE_COMMENT_ID_BASE + id_rng.randrange(10_000_000)
    for _, _, index, key in comment_order:
        next_id += id_rng.randint(3, 900)
        comment_ids[key, index] = next_id
    issues: dict[str, list[Issue]] = {repo.name: [] for repo in org.repositories}
    moved: dict[tuple[str, int], tuple[str, int]] = {}
    event_id = EVENT_ID_BASE + random.Random(f"{org.seed}:issue-event-ids").randrange(10_000_000)
    for plan in plans:
        if plan.slot.ts > as_of:
            continue
        repo, number = plan.slot.repo.name, plan.slot.number
        if plan.transfer and plan.transfer[0] <= as_of and plan.target_number is not None:
            moved[repo.lower(), number] = (plan.transfer[1].name, plan.target_number)
            repo, number = plan.transfer[1].name, plan.target_number
        events = []
        for at, name, extra in sorted(plan.events, key=lambda e: e[0]):
            if at > as_of:
                continue
            event_id += 1 + (plan.slot.seed + at) % 97
            events.append(IssueStateEvent(event_id, name, created_at=to_datetime(at), **extra))  # type: ignore[arg-type]
        state_events = [e for e in events if e.event in ("closed", "reopened")]
        closed_at = (
            state_events[-1].created_at if state_events and state_events[-1].event == "closed" else None
        )
        reason = state_events[-1].state_reason if state_events else None
        comments = tuple(
            IssueComment(
                comment_ids[id(plan), index],
                repo,
                number,
                who,
                _comment_body(plan, who),
                to_datetime(at),
                to_datetime(edited if edited <= as_of else at),
            )
            for index, (at, edited, who) in enumerate(plan.comments)
            if at <= as_of
        )
        stamps = [plan.slot.ts, *(int(e.created_at.timestamp()) for e in events)]
        stamps += [int(c.updated_at.timestamp()) for c in comments]
        issue_id = issue_ids[id(plan)]
        issues[repo].append(
            Issue(
                repo=repo,
                number=number,
                id=issue_id,
                node_id=legacy_node_id("Issue", issue_id),
                title=plan.title,
                body=f"{plan.title}.\n\nSeen in {plan.slot.repo.name}; details in the linked dashboards.",
                author=plan.author,
                kind=plan.kind,
                labels=plan.labels,
                assignees=plan.assignees,
                created_at=to_datetime(plan.slot.ts),
                updated_at=to_datetime(max(stamps)),
                closed_at=closed_at,
                state_reason=reason,
                events=tuple(events),
                comments=comments,
            )
        )
    live, deleted = _discussions(org, discussions, as_of)
    return IssueBook(
        issues_by_repo={name: tuple(sorted(found, key=lambda i: i.number)) for name, found in issues.items()},
        discussions_by_repo=live,
        deleted_discussions=deleted,
        moved=moved,
    )


def _comment_body(plan: _IssuePlan, who: str) -> str:
    if who == CI_BOT:
        return "This issue has been automatically marked as stale because it has not had recent activity."
    return "Looked into it: " + (
        "reproduced on main." if plan.kind in ("bug", "incident") else "makes sense to me."
    )


def _discussions(
    org: SyntheticOrg, plans: list[_DiscussionPlan], as_of: int
) -> tuple[dict[str, tuple[Discussion, ...]], tuple[Discussion, ...]]:
    live: dict[str, list[Discussion]] = {repo.name: [] for repo in org.repositories}
    deleted: list[Discussion] = []
    id_rng, comment_rng = random.Random(f"{org.seed}:discussion-ids"), random.Random(f"{org.seed}:dc-ids")
    next_id = DISCUSSION_ID_BASE + id_rng.randrange(1_000_000)
    next_comment = DISCUSSION_COMMENT_ID_BASE + comment_rng.randrange(1_000_000)
    for plan in sorted(plans, key=lambda p: (p.slot.ts, p.slot.seed)):
        next_id += id_rng.randint(1, 40)
        ids = []
        for _ in plan.comments:
            next_comment += comment_rng.randint(1, 60)
            ids.append(next_comment)
        if plan.slot.ts > as_of:
            continue
        seen = as_of  # nothing happens to a deleted discussion after its deletion
        if plan.deleted_at is not None:
            seen = min(as_of, int(plan.deleted_at.timestamp()))
        repo = plan.slot.repo.name
        comments = tuple(
            DiscussionComment(
                ids[i],
                legacy_node_id("DiscussionComment", ids[i]),
                repo,
                plan.slot.number,
                who,
                "Agreed, let's do it." if reply is None else "+1, thanks!",
                to_datetime(at),
                to_datetime(at),
                ids[reply] if reply is not None else None,
            )
            for i, (at, who, reply) in enumerate(plan.comments)
            if at <= seen
        )
        answered = (
            plan.answer_index is not None
            and plan.answer_chosen_ts is not None
            and plan.answer_chosen_ts <= seen
        )
        closed = plan.closed if plan.closed and plan.closed[0] <= seen else None
        stamps = [plan.slot.ts, *(int(c.updated_at.timestamp()) for c in comments)]
        stamps += [plan.answer_chosen_ts] if answered and plan.answer_chosen_ts else []
        stamps += [closed[0]] if closed else []
        discussion = Discussion(
            repo=repo,
            number=plan.slot.number,
            id=next_id,
            node_id=legacy_node_id("Discussion", next_id),
            title=plan.title,
            body=f"{plan.title}: what do you all think?",
            author=plan.author,
            category=plan.category,
            created_at=plan.created_at,
            updated_at=to_datetime(max(stamps)),
            closed_at=to_datetime(closed[0]) if closed else None,
            state_reason=closed[1] if closed else None,
            answer_id=ids[plan.answer_index] if answered and plan.answer_index is not None else None,
            answer_chosen_at=to_datetime(plan.answer_chosen_ts)
            if answered and plan.answer_chosen_ts
            else None,
            answer_chosen_by=plan.author if answered else None,
            comments=comments,
            deleted_at=plan.deleted_at
            if plan.deleted_at and int(plan.deleted_at.timestamp()) <= as_of
            else None,
        )
        (deleted if discussion.deleted_at else live[repo]).append(discussion)
    return {name: tuple(found) for name, found in live.items()}, tuple(deleted)
