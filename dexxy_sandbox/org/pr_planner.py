"""Plans of pull requests: the full timeline each PR will have, drawn from realistic distributions.

A plan ignores "now": it is cut at the org's `as_of` instant later (see `pr_snapshot`), so a PR looks the same
whether the org is generated in the morning or in the evening, only with less of its future visible.
Each plan draws from its own seeded generator, so one PR's randomness never shifts another's.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

from dexxy_sandbox.org import vocabulary as vocab
from dexxy_sandbox.org.model import Account, Repository
from dexxy_sandbox.org.timeline import DAY, HOUR, geometric, hours, lognormal, next_working_moment

COPILOT_REVIEWER = "copilot-pull-request-reviewer[bot]"


@dataclass(slots=True)
class EngineerProfile:
    """Habits of one engineer that shape their pull requests."""

    account: Account
    home_repo: int
    daily_rate: float  # mean PRs opened per working day
    ai_propensity: float  # chance that a PR carries AI-assistant traces, before the adoption trend
    ai_tools: tuple[str, ...]
    leave_ts: float  # when a deleted account stopped working (inf for everyone else)
    vacation: range  # day indices without activity

    @property
    def login(self) -> str:
        return self.account.login

    @property
    def utc_offset(self) -> float:
        return self.account.utc_offset_hours


@dataclass(slots=True)
class ReviewEvent:
    """A review that will be submitted at `ts` (dropped if that is after the org's `as_of`)."""

    ts: int
    reviewer: str
    state: str
    body: str
    comment_count: int
    required: bool = True
    id: int = 0  # assigned org-wide in submission order once all plans exist


@dataclass(slots=True)
class CommentEvent:
    """A comment that will be written at `ts` (see `conversation_planner`); its text is generated later."""

    kind: str  # "issue" (conversation) or "review" (inline, on a diff line)
    ts: int
    author: str
    edited_ts: int | None = None  # a later edit of an issue comment
    review: ReviewEvent | None = None  # the review an inline comment was submitted with
    reply_to: CommentEvent | None = None  # the first comment of the thread a reply answers
    id: int = 0  # assigned org-wide in creation order once all plans exist


@dataclass(slots=True)
class PrPlan:
    """Everything that will ever happen to one pull request."""

    seed: int
    repo: Repository
    author: str
    kind: str
    created: int
    title: str = ""
    body: str | None = None
    head_ref: str = ""
    labels: tuple[str, ...] = ()
    jira_key: str | None = None
    jira_visible: bool = False  # the key is in the title or branch, so a revert's title/branch carries it
    additions: int = 1
    deletions: int = 0
    changed_files: int = 1
    initial_commits: int = 1
    first_commit_ts: int = 0
    fixup_times: list[int] = field(default_factory=list)
    reviews: list[ReviewEvent] = field(default_factory=list)
    close_ts: int | None = None
    merged: bool = False
    merged_by: str | None = None
    comment_times: list[int] = field(default_factory=list)
    branch_deleted_ts: int | None = None
    draft: bool = False
    mergeable: bool | None = True
    requested_reviewers: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    ai_tools: tuple[str, ...] = ()
    commit_style: str = "human"
    co_author: str | None = None
    suggestion_by: str | None = None
    reverts: PrPlan | None = None
    number: int = 0  # assigned per repository in creation order once all plans exist
    id: int = 0
    opened_as_draft: bool = False
    draft_toggles: list[tuple[int, str]] = field(
        default_factory=list
    )  # (ts, ready_for_review|convert_to_draft)
    conversation: list[CommentEvent] = field(default_factory=list)


@dataclass(slots=True)
class PlanningContext:
    """What PR planners need to know about the organisation."""

    org_login: str
    profiles: list[EngineerProfile]
    by_team: dict[str, list[EngineerProfile]]
    window_start: int
    window_end: int
    pair_partner: str | None  # the engineer named Devin: a human co-author, a hard negative for AI detection
    by_login: dict[str, EngineerProfile] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_login.update({p.login: p for p in self.profiles})

    def pick_reviewer(self, rng: random.Random, author: EngineerProfile, ts: int, exclude: set[str]) -> str:
        """A teammate most of the time, anyone otherwise; never the author or someone who has left."""
        team = self.by_team.get(author.account.team or "", [])
        pool = team if rng.random() < 0.75 and len(team) > 1 else self.profiles

        def eligible(p: EngineerProfile) -> bool:
            return p.login not in exclude and p.login != author.login and p.leave_ts > ts

        for _ in range(8):  # rejection sampling: cheap for big orgs, where most candidates are eligible
            candidate = rng.choice(pool)
            if eligible(candidate):
                return candidate.login
        candidates = [p for p in self.profiles if eligible(p)] or [p for p in self.profiles if p != author]
        return rng.choice(candidates or self.profiles).login

    def profile(self, login: str) -> EngineerProfile | None:
        return self.by_login.get(login)


def slugify(text: str, limit: int = 40) -> str:
    """A branch-name fragment: lower case words joined by dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def _adoption(ctx: PlanningContext, ts: int) -> float:
    """AI use grows over the window (0.6x at the start, 1.4x at the end) so dashboards show a trend."""
    span = max(ctx.window_end - ctx.window_start, 1)
    return 0.6 + 0.8 * min(max((ts - ctx.window_start) / span, 0.0), 1.0)


def _human_kind(rng: random.Random) -> str:
    return rng.choices(("feature", "fix", "chore", "hotfix"), weights=(50, 30, 17, 3))[0]


def _title_and_branch(rng: random.Random, plan: PrPlan, profile: EngineerProfile, issue_number: int) -> None:
    """Title, branch and Jira key placement for a human PR."""
    verbs = {"feature": vocab.VERBS_FEATURE, "fix": vocab.VERBS_FIX, "hotfix": vocab.VERBS_FIX}
    phrase = f"{rng.choice(verbs.get(plan.kind, vocab.VERBS_CHORE))} {rng.choice(vocab.OBJECTS)}"
    slug = slugify(phrase)
    key_chance = {"feature": 0.7, "fix": 0.7, "chore": 0.4, "hotfix": 0.5}[plan.kind]
    key = f"{plan.repo.jira_project_key}-{issue_number}" if rng.random() < key_chance else None
    placement = rng.choices(("branch", "title", "both", "body"), weights=(35, 25, 30, 10))[0] if key else ""
    plan.jira_key = key
    plan.jira_visible = placement in ("branch", "title", "both")
    if plan.kind == "hotfix":
        title = f"hotfix: {phrase[0].lower()}{phrase[1:]}"
    elif rng.random() < 0.25:
        title = (
            rng.choice(vocab.CONVENTIONAL_PREFIXES.get(plan.kind, ("chore: ",)))
            + phrase[0].lower()
            + phrase[1:]
        )
    else:
        title = phrase
    if placement in ("title", "both"):
        title = rng.choice((f"{key}: {title}", f"[{key}] {title}", f"{title} ({key})"))
    branch_slug = f"{key}-{slug}" if placement in ("branch", "both") else slug
    prefix = {
        "feature": ("feature/", "feat/", f"{profile.login}/"),
        "fix": ("fix/", "bugfix/", f"{profile.login}/"),
    }
    if plan.kind == "hotfix":
        branch = f"hotfix/{branch_slug}"
    elif "cursor" in plan.ai_tools and rng.random() < 0.3:
        branch = f"cursor/{branch_slug}"
    else:
        branch = rng.choice(prefix.get(plan.kind, ("chore/", f"{profile.login}/"))) + branch_slug
    plan.title, plan.head_ref = title, branch
    plan.body = _human_body(rng, plan, phrase, key if placement == "body" or rng.random() < 0.2 else None)


def _human_body(rng: random.Random, plan: PrPlan, phrase: str, body_key: str | None) -> str | None:
    if rng.random() < 0.15 and body_key is None:
        return None  # GitHub returns `body: null` when the description was left empty
    summary = f"This PR will {phrase[0].lower()}{phrase[1:]}."
    template = rng.choice(vocab.PR_BODY_TEMPLATES if body_key else vocab.PR_BODY_TEMPLATES[:3])
    body = template.format(summary=summary, jira=body_key)
    if body_key and "{jira}" not in template:
        body += f"\n\nJira: {body_key}"
    if "claude" in plan.ai_tools and rng.random() < 0.5:
        body += vocab.CLAUDE_PR_BODY_FOOTER
    return body


def _size(rng: random.Random, plan: PrPlan) -> None:
    """Log-normal size; a few generated-code monsters."""
    median = {"feature": 60, "fix": 25, "chore": 35, "hotfix": 10, "revert": 40, "dependency": 14}[plan.kind]
    additions = int(lognormal(rng, median, 1.3)) + 1
    if rng.random() < 0.01:
        additions = rng.randint(4000, 20000)
    plan.additions = min(additions, 40000)
    plan.deletions = min(int(plan.additions * lognormal(rng, 0.35, 0.9)), 40000)
    plan.changed_files = max(1, int(lognormal(rng, 1 + math.sqrt(plan.additions) / 3, 0.5)))


def _review_flow(
    rng: random.Random, ctx: PlanningContext, plan: PrPlan, author: EngineerProfile, outcome: str
) -> int:
    """Reviews, fix-up commits and approval for a PR that gets human review; returns the approval time."""
    size_factor = (plan.additions / 60) ** 0.2
    first_ts = plan.created + hours(rng, 2.5 * size_factor, 1.25)
    reviewer = ctx.pick_reviewer(rng, author, first_ts, set())
    reviewer_profile = ctx.profile(reviewer)
    offset = reviewer_profile.utc_offset if reviewer_profile else 0.0
    first_ts = next_working_moment(rng, first_ts, offset)
    p_changes = min(0.45, 0.12 + 0.06 * math.log10(plan.additions + 1))
    first_state = rng.choices(
        ("CHANGES_REQUESTED", "COMMENTED", "APPROVED"), weights=(p_changes, 0.12, 0.88 - p_changes)
    )[0]
    if outcome == "closed":
        first_state = rng.choice(("CHANGES_REQUESTED", "COMMENTED", "COMMENTED"))
    plan.reviews.append(_review(rng, first_ts, reviewer, first_state))
    approval_ts = first_ts
    if first_state == "CHANGES_REQUESTED":
        ts = next_working_moment(rng, first_ts + hours(rng, 3, 1.0), author.utc_offset)
        for _ in range(1 + geometric(rng, 0.5, 5)):
            plan.fixup_times.append(ts)
            ts += hours(rng, 0.4, 0.8, cap_hours=8)
        if rng.random() < 0.3:
            plan.suggestion_by = reviewer
        approval_ts = next_working_moment(rng, plan.fixup_times[-1] + hours(rng, 2, 1.1), offset)
        if outcome != "closed":
            plan.reviews.append(_review(rng, approval_ts, reviewer, "APPROVED"))
    elif first_state == "COMMENTED" and outcome != "closed":
        approver = reviewer if rng.random() < 0.6 else ctx.pick_reviewer(rng, author, first_ts, {reviewer})
        approval_ts = first_ts + hours(rng, 2, 1.1)
        plan.reviews.append(_review(rng, approval_ts, approver, "APPROVED"))
    if rng.random() < 0.3:
        second = ctx.pick_reviewer(rng, author, first_ts, {reviewer})
        state = rng.choice(("COMMENTED", "APPROVED"))
        plan.reviews.append(_review(rng, first_ts + hours(rng, 1.5, 1.0), second, state, required=False))
    if rng.random() < 0.06:
        plan.reviews.append(
            _review(
                rng,
                first_ts + hours(rng, 1, 1.0),
                author.login,
                "COMMENTED",
                required=False,
                self_review=True,
            )
        )
    return approval_ts


def _review(
    rng: random.Random, ts: int, reviewer: str, state: str, required: bool = True, self_review: bool = False
) -> ReviewEvent:
    body = rng.choice(vocab.SELF_REVIEW_BODIES if self_review else vocab.REVIEW_BODIES[state])
    comments = {"CHANGES_REQUESTED": rng.randint(1, 6), "COMMENTED": rng.randint(0, 4)}.get(state, 0)
    return ReviewEvent(ts, reviewer, state, body, comments, required)


def _bot_review(rng: random.Random, plan: PrPlan) -> None:
    """Copilot's automatic review lands within minutes of opening."""
    comments = rng.randint(0, 5)
    body = vocab.BOT_REVIEW_BODY.format(files=plan.changed_files, comments=comments)
    plan.reviews.append(
        ReviewEvent(plan.created + rng.randint(90, 600), COPILOT_REVIEWER, "COMMENTED", body, comments, False)
    )


def _cap_reviews(plan: PrPlan, limit: int = 4) -> None:
    """Keep at most `limit` reviews, dropping optional ones first, in submission order."""
    plan.reviews.sort(key=lambda r: r.ts)
    while len(plan.reviews) > limit:
        optional = [r for r in plan.reviews if not r.required]
        plan.reviews.remove(optional[-1] if optional else plan.reviews[-1])


def _comments(rng: random.Random, plan: PrPlan, end_ts: int) -> None:
    """Issue comments spread over the PR's life, occasionally one after it closed."""
    if rng.random() < 0.5:
        return
    span = max(end_ts - plan.created, HOUR)
    count = 1 + geometric(rng, 0.45, 11)
    plan.comment_times = sorted(plan.created + rng.randrange(span) for _ in range(count))
    if plan.close_ts is not None and rng.random() < 0.05:
        plan.comment_times.append(plan.close_ts + hours(rng, 12, 1.0))


def _close(rng: random.Random, plan: PrPlan, outcome: str, after_ts: int, utc_offset: float) -> None:
    """Merge or close after the last planned activity; the author merges unless an approver does."""
    latest = max([after_ts, plan.created, *plan.fixup_times, *(r.ts for r in plan.reviews if r.required)])
    if outcome == "merged":
        median = 0.5 if plan.kind in ("hotfix", "revert") else 1.2
        plan.close_ts = next_working_moment(rng, latest + hours(rng, median, 1.2), utc_offset)
        plan.merged = True
        approvers = [r.reviewer for r in plan.reviews if r.state == "APPROVED"]
        plan.merged_by = plan.author if not approvers or rng.random() < 0.6 else approvers[-1]
        if rng.random() < 0.7:
            plan.branch_deleted_ts = plan.close_ts + rng.randint(2, 120)
    elif outcome == "closed":
        plan.close_ts = latest + hours(rng, 48, 1.2)


def plan_human_pr(
    rng: random.Random,
    ctx: PlanningContext,
    seed: int,
    repo: Repository,
    author: EngineerProfile,
    created: int,
    issue_number: int,
) -> PrPlan:
    """One engineer's pull request, from first commit to merge (or close, or still open)."""
    plan = PrPlan(seed=seed, repo=repo, author=author.login, kind=_human_kind(rng), created=created)
    if rng.random() < author.ai_propensity * _adoption(ctx, created):
        tools = [author.ai_tools[0]]
        if len(author.ai_tools) > 1 and rng.random() < 0.25:
            tools.append(author.ai_tools[1])
        plan.ai_tools = tuple(tools)
    _title_and_branch(rng, plan, author, issue_number)
    _size(rng, plan)
    plan.initial_commits = max(1, min(30, round(lognormal(rng, 2.2, 0.85))))
    if rng.random() < 0.0025:
        plan.initial_commits = rng.randint(260, 420)
    plan.first_commit_ts = created - hours(rng, 5, 1.0, cap_hours=240)
    if ctx.pair_partner and ctx.pair_partner != author.login and rng.random() < 0.04:
        plan.co_author = ctx.pair_partner
    hotfix = plan.kind == "hotfix"
    outcome_weights = (97, 3, 0) if hotfix else (82, 8, 10)
    outcome = rng.choices(("merged", "closed", "open"), weights=outcome_weights)[0]
    plan.draft = outcome == "open" and rng.random() < 0.35
    approval_ts = created
    if not plan.draft and rng.random() < (0.6 if hotfix else 0.93):
        approval_ts = _review_flow(rng, ctx, plan, author, outcome)
    if rng.random() < 0.15:
        _bot_review(rng, plan)
    _cap_reviews(plan)
    if outcome == "open":
        plan.reviews = [r for r in plan.reviews if r.state != "APPROVED" or rng.random() < 0.3]
    _close(rng, plan, outcome, approval_ts, author.utc_offset)
    _comments(rng, plan, plan.close_ts or created + 72 * HOUR)
    plan.mergeable = rng.choices((True, None, False), weights=(80, 10, 10))[0]
    reviewed = {r.reviewer for r in plan.reviews}
    if outcome == "open" and not plan.draft and rng.random() < 0.7:
        plan.requested_reviewers = (ctx.pick_reviewer(rng, author, created, reviewed),)
    plan.assignees = (author.login,) if rng.random() < 0.5 else ()
    plan.labels = _human_labels(rng, plan.kind)
    return plan


def _human_labels(rng: random.Random, kind: str) -> tuple[str, ...]:
    if kind == "hotfix":
        return ("hotfix",)
    if kind == "fix" and rng.random() < 0.5:
        return ("bug",)
    if kind == "feature" and rng.random() < 0.3:
        return ("enhancement",)
    if kind == "chore" and rng.random() < 0.15:
        return ("documentation",)
    return ()


def _bump(rng: random.Random, version: str) -> tuple[str, str]:
    """An (old, new) pair of versions around `version` for a dependency update title."""
    parts = [int(p) if p.isdigit() else 0 for p in version.split(".")][:3]
    parts += [0] * (3 - len(parts))
    old = list(parts)
    if parts[2] > 0:
        old[2] -= rng.randint(1, min(3, parts[2]))
    elif parts[1] > 0:
        old[1] -= 1
    elif parts[0] > 0:
        old[0] -= 1
    else:
        parts[2] += 1
    return ".".join(map(str, old)), ".".join(map(str, parts))


def plan_dependency_pr(
    rng: random.Random,
    ctx: PlanningContext,
    seed: int,
    repo: Repository,
    bot: Account,
    created: int,
) -> PrPlan:
    """A dependabot or renovate update: tiny, reviewed in the Monday backlog, often superseded."""
    plan = PrPlan(seed=seed, repo=repo, author=bot.login, kind="dependency", created=created)
    package, version = rng.choice(vocab.PACKAGES[repo.dependency_ecosystem])
    old, new = _bump(rng, version)
    if bot.login.startswith("dependabot"):
        prefix = "build(deps): bump" if repo.id % 2 else "Bump"
        plan.title = f"{prefix} {package} from {old} to {new}"
        plan.head_ref = f"dependabot/{repo.dependency_ecosystem}/{slugify(package, 60)}-{new}"
        plan.body = (
            f"Bumps {package} from {old} to {new}.\n\n"
            "Dependabot will resolve any conflicts with this PR as long as you don't alter it yourself. "
            "You can also trigger a rebase manually by commenting `@dependabot rebase`."
        )
    else:
        plan.title = f"Update dependency {package} to v{new}"
        plan.head_ref = f"renovate/{slugify(package, 60)}-{new.split('.')[0]}.x"
        plan.body = (
            "This PR contains the following updates:\n\n| Package | Change |\n|---|---|\n"
            f"| {package} | `{old}` -> `{new}` |"
        )
    plan.commit_style = "bot"
    _size(rng, plan)
    plan.changed_files = rng.randint(1, 3)
    plan.first_commit_ts = created - rng.randint(5, 120)
    outcome = rng.choices(("merged", "closed", "open"), weights=(65, 25, 10))[0]
    approval_ts = created
    humans = [p for p in ctx.profiles if p.leave_ts > created] or ctx.profiles
    if outcome == "merged" and rng.random() < 0.75:
        approver = rng.choice(humans)
        approval_ts = next_working_moment(rng, created + hours(rng, 20, 1.0), approver.utc_offset)
        plan.reviews.append(_review(rng, approval_ts, approver.login, "APPROVED"))
    if outcome == "closed":
        plan.close_ts = created + hours(rng, 24 * 7, 0.5)  # superseded by a newer version
    else:
        _close(rng, plan, outcome, approval_ts, 0.0)
        if plan.merged and plan.reviews:
            plan.merged_by = plan.reviews[-1].reviewer
        elif plan.merged:
            plan.merged_by = rng.choice(humans).login
    plan.labels = ("dependencies", repo.language.lower())
    plan.mergeable = rng.choices((True, None, False), weights=(70, 10, 20))[0]
    return plan


def plan_revert_pr(
    rng: random.Random, ctx: PlanningContext, seed: int, original: PrPlan, author: EngineerProfile
) -> PrPlan:
    """A quick revert of a merged PR; title, branch and body are filled in once numbers are known."""
    assert original.close_ts is not None
    created = original.close_ts + hours(rng, 5, 1.0, cap_hours=72)
    plan = PrPlan(seed=seed, repo=original.repo, author=author.login, kind="revert", created=created)
    plan.reverts = original
    plan.commit_style = "revert"
    plan.additions, plan.deletions = original.deletions, original.additions
    plan.changed_files = original.changed_files
    plan.first_commit_ts = created - rng.randint(30, 600)
    plan.jira_key = original.jira_key if original.jira_visible else None
    plan.jira_visible = plan.jira_key is not None
    approval_ts = created
    if rng.random() < 0.7:
        reviewer = ctx.pick_reviewer(rng, author, created, set())
        approval_ts = created + hours(rng, 0.3, 1.0)
        plan.reviews.append(_review(rng, approval_ts, reviewer, "APPROVED"))
    _close(rng, plan, "merged", approval_ts, author.utc_offset)
    plan.labels = ("revert",) if rng.random() < 0.3 else ()
    return plan


def finish_revert(plan: PrPlan, org_login: str) -> None:
    """Revert PRs name the reverted PR's number, known only after numbering: GitHub's own wording."""
    original = plan.reverts
    assert original is not None
    plan.title = f'Revert "{original.title}"'
    plan.head_ref = f"revert-{original.number}-{original.head_ref}"
    plan.body = f"Reverts {org_login}/{original.repo.name}#{original.number}"


def plan_draft_history(plan: PrPlan) -> None:
    """Draft toggles, drawn from a generator of their own so the rest of the plan is unchanged.

    PRs that are drafts for good were opened as drafts (or converted later); some others were opened as drafts
    and marked ready before anyone reviewed them. Dependency updates and reverts are never drafts.
    """
    if plan.kind in ("dependency", "revert"):
        return
    if not plan.draft and (plan.seed * 0x9E37_79B9_7F4A_7C15 >> 40) % 1000 >= 150:
        return  # 85% of PRs never were drafts: decided by a hash, cheaper than seeding a generator
    rng = random.Random(plan.seed ^ 0xD7AF_7065)
    if plan.draft:
        if rng.random() < 0.15:
            plan.draft_toggles = [(plan.created + hours(rng, 20, 1.0, cap_hours=240), "convert_to_draft")]
        else:
            plan.opened_as_draft = True
        return
    human_reviews = [r.ts for r in plan.reviews if r.reviewer != COPILOT_REVIEWER]
    limit = min([plan.created + 3 * DAY, *human_reviews, *([plan.close_ts] if plan.close_ts else [])])
    if limit - plan.created < 120:
        return
    plan.opened_as_draft = True
    ready = plan.created + int((limit - plan.created) * rng.uniform(0.2, 0.9))
    plan.draft_toggles = [(min(max(ready, plan.created + 60), limit - 30), "ready_for_review")]
