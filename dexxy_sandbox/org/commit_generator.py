"""Commits of a pull request, generated on demand from its `CommitPlan`.

Commits are the bulk of an org's data (a rare PR has hundreds), so they are not kept in memory: the plan's
seed makes them reproducible, and their SHAs match the head SHA and review `commit_id`s set when planning.
"""

from __future__ import annotations

import random

from dexxy_sandbox.org import vocabulary as vocab
from dexxy_sandbox.org.github_ids import commit_sha, stable_sha
from dexxy_sandbox.org.model import Account, Commit, PullRequest, SyntheticOrg
from dexxy_sandbox.org.timeline import to_datetime

_WEB_FLOW = ("GitHub", "noreply@github.com", "web-flow")


def _initial_times(rng: random.Random, first: int, created: int, count: int) -> list[int]:
    """Commits pushed before the PR was opened, spread from the first commit to just before opening."""
    end = max(created - 60, first)
    if count == 1:
        return [first]
    step = (end - first) / (count - 1)
    return [
        int(first + step * i + (rng.uniform(-0.3, 0.3) * step if 0 < i < count - 1 else 0))
        for i in range(count)
    ]


def _identity(account: Account | None, fallback: str) -> tuple[str, str, str | None]:
    """(name, email, login) a person commits with; deleted accounts no longer resolve to a login."""
    if account is None:
        return fallback, f"{fallback}@users.noreply.github.com", None
    login = None if account.deleted else account.login
    return account.name or account.login, account.email or f"{account.login}@users.noreply.github.com", login


def _trailer_line(account: Account | None) -> str:
    name, email, _ = _identity(account, "unknown")
    return f"Co-authored-by: {name} <{email}>"


def _human_message(
    rng: random.Random, org: SyntheticOrg, pr: PullRequest, index: int, last_initial: int
) -> tuple[str, bool]:
    """Message of commit `index` and whether it was made in the web UI (a review suggestion)."""
    plan = pr.commit_plan
    if index == plan.initial_count and plan.suggestion_by:
        reviewer = org.account(plan.suggestion_by)
        return f"Apply suggestions from code review\n\n{_trailer_line(reviewer)}", True
    subject = pr.title if index == 0 else rng.choice(vocab.WIP_MESSAGES)
    trailers: list[str] = []
    for position, tool in enumerate(plan.ai_tools):
        # The primary tool marks the first commit, a secondary one the last pre-review commit, so each
        # tool the PR claims leaves at least one trace; other commits carry them at random.
        anchor = 0 if position == 0 else last_initial
        if index == anchor or rng.random() < (0.6 if position == 0 else 0.3):
            trailers.append(rng.choice(vocab.AI_COMMIT_TRAILERS[tool]))
    if plan.co_author and (index == 0 or rng.random() < 0.4):
        trailers.append(_trailer_line(org.account(plan.co_author)))
    body = "\n\n".join(t for t in trailers if t)
    return (f"{subject}\n\n{body}" if body else subject), False


def generate_commits(org: SyntheticOrg, pr: PullRequest) -> tuple[Commit, ...]:
    """All commits of `pr` in push order; deterministic for the PR's plan."""
    plan = pr.commit_plan
    rng = random.Random(plan.seed ^ 0x5EED_C0FFEE)
    created = int(pr.created_at.timestamp())
    times = _initial_times(rng, int(plan.first_commit_at.timestamp()), created, plan.initial_count)
    times += [int(t.timestamp()) for t in plan.fixup_times]
    author_account = org.account(pr.author)
    name, email, login = _identity(author_account, pr.author)
    if plan.style == "human" and rng.random() < 0.03:
        local = name.split(" ")[0].lower()
        email, login = f"{local}@{local}s-MacBook-Pro.local", None  # a laptop's default git identity
    rebased = plan.style == "human" and rng.random() < 0.1
    commits: list[Commit] = []
    for index, authored in enumerate(times):
        web_ui = False
        if plan.style == "bot":
            message = f"{pr.title}\n\n{pr.body or ''}\n\nSigned-off-by: {name} <support@github.com>"
        elif plan.style == "revert":
            message = f"{pr.title}\n\nThis reverts commit {plan.reverted_merge_sha}."
        else:
            message, web_ui = _human_message(rng, org, pr, index, plan.initial_count - 1)
        author_name = name
        if "aider" in plan.ai_tools and (index == 0 or rng.random() < 0.7):
            author_name = f"{name}{vocab.AIDER_AUTHOR_SUFFIX}"  # aider marks the author instead of a trailer
        committer = _WEB_FLOW if web_ui else (author_name, email, login)
        committed = max(authored, created - 30) if rebased and index < plan.initial_count else authored
        commits.append(
            Commit(
                sha=commit_sha(plan.seed, index),
                tree_sha=stable_sha("tree", plan.seed, index),
                parent_sha=pr.base_sha if index == 0 else commit_sha(plan.seed, index - 1),
                message=message,
                author_name=author_name,
                author_email=email,
                author_login=login,
                authored_at=to_datetime(authored),
                committer_name=committer[0],
                committer_email=committer[1],
                committer_login=committer[2],
                committed_at=to_datetime(committed),
                verified=web_ui or plan.style == "bot",
            )
        )
    return tuple(commits)
