"""Check runs (CI jobs) on a pull request's pushes and on its merge commit, generated on demand.

Each push runs one GitHub Actions workflow (a check suite) whose jobs depend on the repository's language,
plus a CodeQL check from GitHub Advanced Security in some repositories. Pushes are the PR's head when it was
opened and each later fix-up push; the squash commit on the default branch runs CI again. Durations are
log-normal; long jobs (e2e, integration) wait for a self-hosted runner, which sometimes hangs for a day or
more, so recent pushes still show runs `queued` or `in_progress`. A push cancels the previous push's
unfinished runs; some failed jobs are re-run (a new check run with the same name). Everything is drawn from
the PR's sub-seed and the commit's index and then cut at the org's `as_of`, so a run's outcome never depends
on when the org is generated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from dexxy_sandbox.org.github_ids import commit_sha
from dexxy_sandbox.org.model import CheckRun, PullRequest, SyntheticOrg
from dexxy_sandbox.org.timeline import HOUR, lognormal, to_datetime

RUN_ID_BASE = 20_000_000_000
SUITE_ID_BASE = 8_000_000_000
WORKFLOW_RUN_ID_BASE = 3_000_000_000
MERGE_PUSH_SLOT = 31
HUNG_JOB_RATE = 0.1  # long jobs whose self-hosted runner hangs: they stay in_progress for hours or days


@dataclass(frozen=True)
class Job:
    name: str
    minutes: float  # median duration
    failure: float  # chance that a run fails
    queue_minutes: float = 0.3  # median wait for a runner
    queue_sigma: float = 0.6
    lint: bool = False  # lint-like jobs sometimes end `neutral` (warnings only)

    @property
    def long(self) -> bool:
        return self.queue_minutes >= 1


_E2E_QUEUE = 9.0  # self-hosted runners: a long tail of hours
CI_JOBS: dict[str, tuple[Job, ...]] = {
    "Go": (
        Job("build", 2.5, 0.03),
        Job("test", 5, 0.08),
        Job("lint", 1.5, 0.06, lint=True),
        Job("integration", 9, 0.1, _E2E_QUEUE, 1.8),
    ),
    "TypeScript": (
        Job("build", 3, 0.03),
        Job("lint", 1.2, 0.06, lint=True),
        Job("test", 4, 0.07),
        Job("e2e", 12, 0.12, _E2E_QUEUE, 1.8),
    ),
    "Python": (
        Job("lint", 1, 0.06, lint=True),
        Job("test (3.11)", 5, 0.07),
        Job("test (3.12)", 5, 0.07),
        Job("integration", 8, 0.1, _E2E_QUEUE, 1.8),
    ),
    "Kotlin": (
        Job("build", 8, 0.04),
        Job("lint", 3, 0.05, lint=True),
        Job("unit-tests", 10, 0.07),
        Job("instrumented-tests", 20, 0.12, _E2E_QUEUE, 1.8),
    ),
    "Java": (
        Job("build", 6, 0.03),
        Job("test", 9, 0.08),
        Job("checkstyle", 2, 0.05, lint=True),
        Job("integration", 12, 0.1, _E2E_QUEUE, 1.8),
    ),
    "Rust": (Job("build", 7, 0.03), Job("clippy", 4, 0.06, lint=True), Job("test", 8, 0.07)),
    "HCL": (Job("fmt", 0.5, 0.05, lint=True), Job("validate", 1, 0.04), Job("plan", 4, 0.08, 2.0, 1.2)),
}
CODEQL_LANGUAGES = frozenset({"Go", "TypeScript", "Python", "Java", "Kotlin"})


def _push_trigger(pr: PullRequest, commit_index: int | None) -> tuple[int, int, int | None] | None:
    """(trigger time, push slot, next push time) for a pushed tip; None for commits CI never saw."""
    plan = pr.commit_plan
    if commit_index is None:
        if pr.merged_at is None:
            return None
        return int(pr.merged_at.timestamp()), MERGE_PUSH_SLOT, None
    fixups = [int(t.timestamp()) for t in plan.fixup_times]
    slot = commit_index - (plan.initial_count - 1)
    if slot < 0 or slot > len(fixups):
        return None
    trigger = int(pr.created_at.timestamp()) if slot == 0 else fixups[slot - 1]
    following = fixups[slot] if slot < len(fixups) else None
    return trigger, min(slot, MERGE_PUSH_SLOT - 1), following


def generate_check_runs(org: SyntheticOrg, pr: PullRequest, commit_index: int | None) -> tuple[CheckRun, ...]:
    """The check runs of one commit as of `org.as_of`, newest first (as GitHub lists them)."""
    repo = org.repository(pr.repo)
    trigger = _push_trigger(pr, commit_index)
    if repo is None or trigger is None:
        return ()
    start, slot, next_push = trigger
    as_of = int(org.as_of.timestamp())
    rng = random.Random(pr.commit_plan.seed * 1_009 + slot)
    sha = (
        (pr.merge_commit_sha or "") if commit_index is None else commit_sha(pr.commit_plan.seed, commit_index)
    )
    created = start + rng.randint(2, 25)
    suite = SUITE_ID_BASE + pr.id * 64 + slot * 2
    workflow_run = WORKFLOW_RUN_ID_BASE + pr.id * 32 + slot
    pull_number = pr.number if commit_index is not None else None
    runs: list[CheckRun] = []
    for index, job in enumerate(CI_JOBS.get(repo.language, CI_JOBS["Python"])):
        attempts = _attempts(rng, job, created, next_push, skipped=job.long and pr.kind == "dependency")
        for attempt, (queued, started, completed, conclusion, notes) in enumerate(attempts, start=1):
            if queued > as_of:
                break
            run_id = RUN_ID_BASE + pr.id * 1024 + slot * 32 + index * 4 + attempt - 1
            runs.append(
                _cut(
                    CheckRun(
                        id=run_id,
                        name=job.name,
                        app="github-actions",
                        suite_id=suite,
                        workflow_run_id=workflow_run,
                        head_sha=sha,
                        status="completed",
                        conclusion=conclusion,
                        started_at=to_datetime(started),
                        completed_at=to_datetime(completed),
                        attempt=attempt,
                        annotations=notes,
                        pull_number=pull_number,
                    ),
                    queued,
                    as_of,
                )
            )
    if repo.language in CODEQL_LANGUAGES and repo.id % 3 != 0 and created <= as_of:
        started = created + rng.randint(5, 40)
        completed = started + int(lognormal(rng, 6, 0.4) * 60)
        alerts = rng.random() < 0.06
        runs.append(
            _cut(
                CheckRun(
                    id=RUN_ID_BASE + pr.id * 1024 + slot * 32 + 30,
                    name="CodeQL",
                    app="github-advanced-security",
                    suite_id=suite + 1,
                    workflow_run_id=workflow_run,
                    head_sha=sha,
                    status="completed",
                    conclusion="neutral" if alerts else "success",
                    started_at=to_datetime(started),
                    completed_at=to_datetime(completed),
                    annotations=rng.randint(1, 3) if alerts else 0,
                    output_title=f"{rng.randint(1, 3)} new alerts"
                    if alerts
                    else "No new alerts in code changed by this pull request",
                    output_summary="Code scanning results for CodeQL",
                    pull_number=pull_number,
                ),
                started,
                as_of,
            )
        )
    return tuple(sorted(runs, key=lambda run: run.id, reverse=True))


def _attempts(
    rng: random.Random, job: Job, created: int, next_push: int | None, skipped: bool
) -> list[tuple[int, int, int, str, int]]:
    """(queued, started, completed, conclusion, annotations) for the first run and any re-runs."""
    if skipped:  # `if:` conditions skip the long jobs for dependency updates
        return [(created, created, created, "skipped", 0)]
    attempts = []
    queued = created
    for attempt in range(1, 3):
        started = queued + int(lognormal(rng, job.queue_minutes, job.queue_sigma) * 60)
        completed = started + max(20, int(lognormal(rng, job.minutes, 0.45) * 60))
        draw = rng.random()
        failure = job.failure if attempt == 1 else job.failure * 2
        if draw < failure:
            conclusion, annotations = "failure", rng.randint(1, 4)
        elif job.lint and draw < failure + 0.03:
            conclusion, annotations = "neutral", rng.randint(1, 12)
        elif job.long and draw < failure + 0.01:
            conclusion, annotations = "timed_out", 1
            completed = started + HOUR  # timeout-minutes: 60
        elif job.long and draw > 1 - HUNG_JOB_RATE:
            # a hung self-hosted runner: the job runs until someone cancels it (at most 5 days, the limit)
            conclusion, annotations = "cancelled", 1
            completed = started + int(min(lognormal(rng, 20, 0.9), 5 * 24) * HOUR)
        else:
            conclusion, annotations = "success", 0
        if next_push is not None and next_push < completed:
            # concurrency: cancel-in-progress; the next push's workflow cancels this one
            cancel = max(next_push + rng.randint(1, 20), started)
            attempts.append((queued, min(started, cancel), cancel, "cancelled", 1))
            return attempts
        attempts.append((queued, started, completed, conclusion, annotations))
        if conclusion != "failure" or rng.random() >= 0.45:
            return attempts
        queued = completed + int(lognormal(rng, 15, 1.0) * 60)  # someone clicks "Re-run failed jobs"
        if next_push is not None and next_push < queued:
            return attempts
    return attempts


def _cut(run: CheckRun, queued: int, as_of: int) -> CheckRun:
    """The run as seen at `as_of`: still queued, in progress, or completed."""
    started = int(run.started_at.timestamp())
    completed = int(run.completed_at.timestamp()) if run.completed_at else None
    unfinished = {"conclusion": None, "completed_at": None, "annotations": 0, "output_title": None}
    if started > as_of:
        return replace(run, status="queued", started_at=to_datetime(queued), **unfinished)  # type: ignore[arg-type]
    if completed is None or completed > as_of:
        return replace(run, status="in_progress", **unfinished)  # type: ignore[arg-type]
    return run
