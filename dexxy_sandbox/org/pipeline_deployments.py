"""How each repository deploys, and the GitHub Actions workflow runs and releases that show it.

Many teams never call the Deployments API: a workflow named "Deploy to production" ships, or publishing a
release does. The sandbox has both kinds. The first four repositories deploy through the Deployments API
(every test and demo built on up to four repositories sees what it always saw); from the fifth on,
repositories take turns: workflow runs only, releases only, the Deployments API.

A repository that deploys by workflow runs keeps its planned deployments, served as runs of
"Deploy to production" / "Deploy to staging" instead of deployments; one that deploys by releases publishes
a release for each successful production deployment. Every repository runs "CI" on each merge to its
default branch, so a consumer must pick its deployment workflows by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dexxy_sandbox.org.model import Deployment, Repository, SyntheticOrg

DEPLOYMENTS_API, WORKFLOW_RUNS, RELEASES = "deployments_api", "workflow_run", "release"
API_ONLY_REPOSITORIES = 4  # repositories 0-3 keep the Deployments API
_TURNS = (WORKFLOW_RUNS, RELEASES, DEPLOYMENTS_API)
CI_WORKFLOW_ID, DEPLOY_WORKFLOW_ID = 7_100_001, 7_100_002
_RUN_ID_BASE = 9_000_000_000  # run ids: far from deployment, check-run and release ids
_RELEASE_ID_BASE = 190_000_000
_DEPLOYED_KINDS = frozenset({"baseline", "release", "hotfix", "retry"})
_FAILED = {"failure": "failure", "error": "failure"}


def deploy_style(index: int) -> str:
    """How the repository at ``index`` (generation order) deploys."""
    if index < API_ONLY_REPOSITORIES:
        return DEPLOYMENTS_API
    return _TURNS[(index - API_ONLY_REPOSITORIES) % len(_TURNS)]


def split_by_style(
    repositories: list[Repository], deployments: dict[str, tuple[Deployment, ...]]
) -> tuple[dict[str, tuple[Deployment, ...]], dict[str, tuple[str, tuple[Deployment, ...]]]]:
    """(deployments the Deployments API serves, {repo: (style, deployments done another way)})."""
    api: dict[str, tuple[Deployment, ...]] = {}
    other: dict[str, tuple[str, tuple[Deployment, ...]]] = {}
    for index, repo in enumerate(repositories):
        style, planned = deploy_style(index), deployments.get(repo.name, ())
        if style == DEPLOYMENTS_API:
            api[repo.name] = planned
        else:
            other[repo.name] = (style, planned)
    return api, other


@dataclass(frozen=True, slots=True)
class WorkflowRun:
    id: int
    repo: str
    workflow_id: int
    name: str
    path: str
    run_number: int
    event: str
    head_branch: str
    head_sha: str
    actor: str
    status: str  # queued, in_progress or completed
    conclusion: str | None  # success or failure once completed
    created_at: dt.datetime
    run_started_at: dt.datetime
    updated_at: dt.datetime
    title: str


@dataclass(frozen=True, slots=True)
class Release:
    id: int
    repo: str
    tag_name: str
    name: str
    target_commitish: str
    author: str
    created_at: dt.datetime
    published_at: dt.datetime
    body: str
    draft: bool = False
    prerelease: bool = False


def _style(org: SyntheticOrg, repo: str) -> tuple[str, tuple[Deployment, ...]]:
    return org.pipeline_deployments_by_repo.get(repo, (DEPLOYMENTS_API, ()))


def workflow_runs(org: SyntheticOrg, repo: str) -> tuple[WorkflowRun, ...]:
    """Every run of the repository, oldest first: CI on each merge, and deploy runs if it deploys so."""
    runs: list[WorkflowRun] = []
    repository = org.repository(repo)
    if repository is None:
        return ()
    for pr in org.pulls(repository.name):
        if pr.merged_at is None or pr.merge_commit_sha is None:
            continue
        started = pr.merged_at + dt.timedelta(seconds=20)
        done = started + dt.timedelta(minutes=6 + pr.number % 9)
        runs.append(
            WorkflowRun(
                id=0,
                repo=repository.name,
                workflow_id=CI_WORKFLOW_ID,
                name="CI",
                path=".github/workflows/ci.yml",
                run_number=0,
                event="push",
                head_branch=repository.default_branch,
                head_sha=pr.merge_commit_sha,
                actor=pr.merged_by or pr.author,
                status="completed" if done <= org.as_of else "in_progress",
                conclusion="success" if done <= org.as_of else None,
                created_at=pr.merged_at,
                run_started_at=started,
                updated_at=min(done, org.as_of),
                title=pr.title,
            )
        )
    style, deployments = _style(org, repository.name)
    if style == WORKFLOW_RUNS:
        runs += [_deploy_run(d) for d in deployments if d.statuses]
    runs.sort(key=lambda run: (run.created_at, run.workflow_id, run.head_sha))
    numbered: list[WorkflowRun] = []
    counters: dict[int, int] = {}
    for index, run in enumerate(runs):
        counters[run.workflow_id] = counters.get(run.workflow_id, 0) + 1
        numbered.append(
            _replace_ids(
                run, _RUN_ID_BASE + repository.id % 1000 * 1_000_000 + index, counters[run.workflow_id]
            )
        )
    return tuple(numbered)


def _replace_ids(run: WorkflowRun, run_id: int, number: int) -> WorkflowRun:
    fields = {name: getattr(run, name) for name in WorkflowRun.__slots__}  # type: ignore[attr-defined]
    return WorkflowRun(**{**fields, "id": run_id, "run_number": number})


def _deploy_run(deployment: Deployment) -> WorkflowRun:
    """The run of the deploy workflow that did what the planned deployment did."""
    states = [s.state for s in deployment.statuses]
    final = next((s for s in reversed(states) if s in ("success", "failure", "error")), None)
    started = next(
        (s.created_at for s in deployment.statuses if s.state == "in_progress"), deployment.created_at
    )
    ended = next(
        (s.created_at for s in deployment.statuses if s.state in ("success", "failure", "error")),
        deployment.updated_at,
    )
    if "success" in states:
        final = "success"
    environment = deployment.environment
    return WorkflowRun(
        id=0,
        repo=deployment.repo,
        workflow_id=DEPLOY_WORKFLOW_ID + (0 if deployment.production else 1),
        name=f"Deploy to {environment}",
        path=f".github/workflows/deploy-{environment}.yml",
        run_number=0,
        event="workflow_dispatch" if deployment.kind == "rollback" else "push",
        head_branch=deployment.ref,
        head_sha=deployment.sha,
        actor=deployment.creator,
        status="completed" if final else "in_progress",
        conclusion=_FAILED.get(final or "", final) if final else None,
        created_at=deployment.created_at,
        run_started_at=started,
        updated_at=ended,
        title=deployment.description or f"Deploy {deployment.sha[:7]}",
    )


def releases(org: SyntheticOrg, repo: str) -> tuple[Release, ...]:
    """A release for each successful production deployment of a repository that deploys by releases,
    oldest first, tagged v1.N.0."""
    repository = org.repository(repo)
    if repository is None:
        return ()
    style, deployments = _style(org, repository.name)
    if style != RELEASES:
        return ()
    found: list[Release] = []
    for deployment in deployments:
        if not deployment.production or deployment.kind not in _DEPLOYED_KINDS:
            continue
        published = next((s.created_at for s in deployment.statuses if s.state == "success"), None)
        if published is None:
            continue
        number = len(found)
        found.append(
            Release(
                id=_RELEASE_ID_BASE + repository.id % 1000 * 10_000 + number,
                repo=repository.name,
                tag_name=f"v1.{number}.0",
                name=f"v1.{number}.0",
                target_commitish=repository.default_branch,
                author=deployment.creator,
                created_at=deployment.created_at,
                published_at=published,
                body=deployment.description or "",
            )
        )
    return tuple(found)


def deployment_rules_env_line(org: SyntheticOrg) -> str | None:
    """The ``DEXXY_DEPLOYMENT_RULES`` line that names this org's deploy workflows and release tags, for
    ``dexxy sandbox serve`` to print; None when every repository uses the Deployments API."""
    rules = []
    for index, repo in enumerate(org.repositories):
        style = deploy_style(index)
        if style == WORKFLOW_RUNS:
            rules.append(f'{{repos: "{org.login}/{repo.name}", workflow: "Deploy to production"}}')
        elif style == RELEASES:
            rules.append(f'{{repos: "{org.login}/{repo.name}", release: "v*"}}')
    return f"DEXXY_DEPLOYMENT_RULES='[{', '.join(rules)}]'" if rules else None
