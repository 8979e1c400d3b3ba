"""Deployments of each repository to `staging` and `production`, planned over the whole window, then cut.

- The very first production (and staging) deployment ships the baseline commit the day before the window
  starts, so every PR merged in the window has a previous production deployment to compare with.
- Staging deploys continuously: every merge to the default branch, minutes later. Some PR branches get a
  preview deployment to staging; GitHub marks the previous successful staging deployment `inactive`.
- Production deploys on most working days (never two working days in a row without one when there is
  something new), at office hours, the default branch's latest merge commit at that moment; a merged hotfix
  is deployed within the hour, and some hotfixes are deployed from their branch before they are merged.
- Statuses go queued -> in_progress -> success; some end in failure or error (then a retry follows), and a
  few succeed, are then marked failed ("rolled back") and followed by a rollback deployment of the previous
  production commit.

Each repository draws from its own generator, so deployments leave the rest of the org unchanged; the plan
is cut at `as_of` like PRs are (deployments and statuses after it do not exist yet).
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from bisect import bisect_right
from dataclasses import dataclass, field

from dexxy_sandbox.org.git_graph import baseline_time
from dexxy_sandbox.org.github_ids import baseline_sha, commit_sha, merge_commit_sha
from dexxy_sandbox.org.model import Deployment, DeploymentStatus, Repository
from dexxy_sandbox.org.pr_planner import PlanningContext, PrPlan
from dexxy_sandbox.org.timeline import HOUR, day_start, lognormal, to_datetime

DEPLOY_BOT = "github-actions[bot]"
_STATUS_TEXT = {
    "queued": "Deployment queued",
    "in_progress": "Deployment started",
    "success": "Deployment finished successfully.",
    "failure": "Deployment failed: health checks did not pass",
    "error": "Deployment errored: the runner lost communication with the server",
    "rolled_back": "Rolled back: error rate above threshold after deploy",
    "inactive": "Superseded by a newer deployment",
}

_DESCRIPTIONS = {
    "retry": "Retry deploy of {sha}",
    "hotfix": "Hotfix deploy of {sha}",
    "rollback": "Rollback to {sha}",
}


@dataclass(slots=True)
class DeploymentPlan:
    repo: Repository
    ts: int
    sha: str
    ref: str
    environment: str
    creator: str
    description: str
    kind: str
    statuses: list[tuple[int, str, str, str]] = field(default_factory=list)  # (ts, state, creator, text)
    payload: tuple[tuple[str, str], ...] = ()
    id: int = 0
    status_ids: list[int] = field(default_factory=list)

    def final_ts(self) -> int:
        return self.statuses[-1][0]


@dataclass(order=True)
class _Intent:
    ts: int
    order: int
    kind: str = field(compare=False)
    plan: PrPlan | None = field(compare=False, default=None)


def plan_deployments(
    seed: int,
    ctx: PlanningContext,
    repositories: list[Repository],
    plans: list[PrPlan],
    start: dt.date,
    days: int,
) -> list[DeploymentPlan]:
    """Every deployment of every repository, with ids assigned org-wide in creation order."""
    result: list[DeploymentPlan] = []
    for repo in repositories:
        repo_plans = [p for p in plans if p.repo is repo]
        rng = random.Random(seed * 1_000_003 + repo.id)
        result += _RepositoryDeployments(rng, ctx, repo, repo_plans, start).plan(days)
    id_rng = random.Random(seed ^ 0xDE_9107)
    next_id = 1_500_000_000 + id_rng.randrange(50_000_000)
    for deployment in sorted(result, key=lambda d: (d.ts, d.repo.id, d.environment)):
        next_id += id_rng.randint(5, 3_000)
        deployment.id = next_id
    stamps = sorted([(status[0], d.id, index, d) for d in result for index, status in enumerate(d.statuses)])
    next_id = 4_000_000_000 + id_rng.randrange(50_000_000)
    for d in result:
        d.status_ids = [0] * len(d.statuses)
    for _, _, index, deployment in stamps:
        next_id += id_rng.randint(5, 3_000)
        deployment.status_ids[index] = next_id
    return result


class _RepositoryDeployments:
    """Plans one repository's deployments from its PR plans."""

    def __init__(
        self, rng: random.Random, ctx: PlanningContext, repo: Repository, plans: list[PrPlan], start: dt.date
    ) -> None:
        self.rng = rng
        self.repo = repo
        self.plans = plans
        self.start = start
        self.merges = sorted(
            (p for p in plans if p.merged and p.close_ts is not None),
            key=lambda p: (p.close_ts or 0, p.number),
        )
        self.merge_times = [p.close_ts or 0 for p in self.merges]
        authors = {p.author for p in plans}
        self.people = [p for p in ctx.profiles if p.login in authors] or ctx.profiles

    def latest_sha(self, ts: int) -> str:
        """The default branch's tip at `ts`: the latest merge commit, or the baseline before any merge."""
        index = bisect_right(self.merge_times, ts) - 1
        return merge_commit_sha(self.merges[index].seed) if index >= 0 else baseline_sha(self.repo.id)

    def someone(self, ts: int) -> str:
        """An engineer of the repository who still works here at `ts`."""
        active = [p for p in self.people if p.leave_ts > ts] or self.people
        return self.rng.choice(active).login

    def plan(self, days: int) -> list[DeploymentPlan]:
        rng, repo = self.rng, self.repo
        branch = repo.default_branch
        first = baseline_time(self.start) + 18 * HOUR
        baseline = baseline_sha(repo.id)
        deployments = [
            _deploy(rng, repo, first, baseline, branch, environment, DEPLOY_BOT, "baseline", "success", None)
            for environment in ("production", "staging")
        ]
        # each merge with the next one's merge time (None after the last); a repository may have no merges
        following_times = [*self.merge_times[1:], None] if self.merges else []
        for plan, following in zip(self.merges, following_times, strict=True):
            ts = (plan.close_ts or 0) + rng.randint(4 * 60, 12 * 60)
            outcome = "failure" if rng.random() < 0.04 else "success"
            if following is not None and following < ts:
                continue  # the next merge's pipeline cancelled this one (a concurrency group)
            sha = merge_commit_sha(plan.seed)
            deployments.append(
                _deploy(rng, repo, ts, sha, branch, "staging", DEPLOY_BOT, "continuous", outcome, None)
            )
        for plan in self.plans:
            if plan.kind == "feature" and rng.random() < 0.06:
                ts = plan.created + rng.randint(15 * 60, 90 * 60)
                sha = commit_sha(plan.seed, plan.initial_commits - 1)
                deployments.append(
                    _deploy(
                        rng, repo, ts, sha, plan.head_ref, "staging", plan.author, "branch", "success", plan
                    )
                )
        deployments += self._production(days)
        _mark_superseded_staging(deployments)
        return deployments

    def _intents(self, days: int) -> list[_Intent]:
        rng = self.rng
        intents: list[_Intent] = []
        for offset in range(days):
            day = self.start + dt.timedelta(days=offset)
            if day.weekday() < 5:
                intents.append(
                    _Intent(day_start(day) + rng.randint(9 * HOUR, 16 * HOUR), len(intents), "release")
                )
        for plan in self.merges:
            if plan.kind != "hotfix":
                continue
            merged = plan.close_ts or 0
            intents.append(_Intent(merged + rng.randint(15 * 60, 45 * 60), len(intents), "hotfix", plan))
            if rng.random() < 0.3:  # deployed from its branch first, then again once merged
                intents.append(
                    _Intent(plan.created + rng.randint(10 * 60, 30 * 60), len(intents), "branch", plan)
                )
        heapq.heapify(intents)
        return intents

    def _production(self, days: int) -> list[DeploymentPlan]:
        rng, repo = self.rng, self.repo
        intents = self._intents(days)
        current = baseline_sha(repo.id)  # what production runs
        skipped = False
        deployed: list[DeploymentPlan] = []
        while intents:
            intent = heapq.heappop(intents)
            ts = intent.ts
            if intent.kind == "release" and not skipped and rng.random() < 0.35:
                skipped = True  # no release today; there will be one tomorrow
                continue
            sha, ref = self.latest_sha(ts), repo.default_branch
            if intent.kind == "branch" and intent.plan is not None:
                sha, ref = commit_sha(intent.plan.seed, intent.plan.initial_commits - 1), intent.plan.head_ref
            if sha == current:
                continue  # nothing new to ship
            skipped = False
            human = intent.kind in ("branch", "retry") or rng.random() < 0.25
            creator = self.someone(ts) if human else DEPLOY_BOT
            draw = rng.random()
            outcome = "failure" if draw < 0.05 else "error" if draw < 0.07 else "success"
            if outcome == "success" and draw < 0.10:
                outcome = "rolled_back"
            deployment = _deploy(
                rng, repo, ts, sha, ref, "production", creator, intent.kind, outcome, intent.plan
            )
            deployed.append(deployment)
            if outcome in ("failure", "error"):
                if rng.random() < 0.6:
                    retry_at = deployment.final_ts() + rng.randint(30 * 60, 3 * HOUR)
                    heapq.heappush(intents, _Intent(retry_at, 10_000 + len(deployed), "retry"))
            elif outcome == "rolled_back":
                at = deployment.final_ts() + rng.randint(60, 300)
                deployed.append(
                    _deploy(
                        rng,
                        repo,
                        at,
                        current,
                        current,
                        "production",
                        self.someone(at),
                        "rollback",
                        "success",
                        None,
                    )
                )
            else:
                current = sha
        return deployed


def _deploy(
    rng: random.Random,
    repo: Repository,
    ts: int,
    sha: str,
    ref: str,
    environment: str,
    creator: str,
    kind: str,
    outcome: str,
    plan: PrPlan | None,
) -> DeploymentPlan:
    short = sha[:7]
    if kind == "branch":
        description = f"Deploy {ref} to {environment}" if environment == "production" else f"Preview of {ref}"
    else:
        description = _DESCRIPTIONS.get(kind, "Deploy {sha} to {environment}").format(
            sha=short, environment=environment
        )
    started = ts + rng.randint(10, 90)
    finished = started + int(lognormal(rng, 6 if environment == "production" else 3, 0.5) * 60)
    final = "success" if outcome == "rolled_back" else outcome
    statuses = [
        (ts, "queued", creator, _STATUS_TEXT["queued"]),
        (started, "in_progress", creator, _STATUS_TEXT["in_progress"]),
        (finished, final, creator, _STATUS_TEXT[final]),
    ]
    if outcome == "rolled_back":
        statuses.append(
            (finished + rng.randint(10 * 60, 90 * 60), "failure", creator, _STATUS_TEXT["rolled_back"])
        )
    payload: tuple[tuple[str, str], ...] = ()
    if environment == "production":
        payload = (("version", f"{to_datetime(ts):%Y.%m.%d}-{short}"),)
    if plan is not None and kind in ("branch", "hotfix"):
        payload += (("pull_request", str(plan.number)),)
    return DeploymentPlan(repo, ts, sha, ref, environment, creator, description, kind, statuses, payload)


def _mark_superseded_staging(deployments: list[DeploymentPlan]) -> None:
    """GitHub's `auto_inactive`: a new success in a non-production environment marks the previous one
    inactive."""
    previous: DeploymentPlan | None = None
    staging = sorted((d for d in deployments if d.environment == "staging"), key=lambda d: d.statuses[-1][0])
    for deployment in staging:
        ts, state, creator, _ = deployment.statuses[-1]
        if state != "success":
            continue
        if previous is not None:
            previous.statuses.append((ts, "inactive", creator, _STATUS_TEXT["inactive"]))
        previous = deployment


def deployments_as_of(plans: list[DeploymentPlan], as_of: int) -> dict[str, tuple[Deployment, ...]]:
    """The deployments (and statuses) that exist at `as_of`, per repository, oldest first."""
    result: dict[str, list[Deployment]] = {}
    for plan in sorted(plans, key=lambda d: d.id):
        if plan.ts > as_of:
            continue
        statuses = tuple(
            DeploymentStatus(status_id, state, creator, text, to_datetime(ts))
            for status_id, (ts, state, creator, text) in sorted(
                zip(plan.status_ids, plan.statuses, strict=True), key=lambda item: (item[1][0], item[0])
            )
            if ts <= as_of
        )
        result.setdefault(plan.repo.name, []).append(
            Deployment(
                id=plan.id,
                repo=plan.repo.name,
                sha=plan.sha,
                ref=plan.ref,
                environment=plan.environment,
                creator=plan.creator,
                description=plan.description,
                created_at=to_datetime(plan.ts),
                statuses=statuses,
                kind=plan.kind,
                payload=plan.payload,
            )
        )
    return {name: tuple(items) for name, items in result.items()}
