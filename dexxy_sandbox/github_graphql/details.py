"""Resolvers for a pull request's details: changed files, check suites and runs, comments, review threads and
timeline events. They read the model's on-demand records through `records`.

- `PullRequest.files` lists `SyntheticOrg.files(pr)`; REST's `status` is mapped to PatchStatus.
- `Commit.checkSuites` groups the runs on that commit (`check_runs_for(pr, index)`; a merge commit's are its
  `None` index) by suite, keeping the latest attempt of each check as REST lists them by default; a suite's
  status and conclusion are derived from its runs.
- `Commit.statusCheckRollup` lists the same runs, suite by suite, as its `contexts` (null for a commit with
  no checks, as GitHub answers for one with neither checks nor statuses); its `state` is GitHub's rollup.
- `PullRequest.comments` lists `issue_comments(pr)`; `reviewThreads` groups `review_comments(pr)` by the
  thread's first comment (replies carry `in_reply_to_id`); `PullRequestReview.comments` are those submitted
  with the review.
- `timelineItems` merges the PR's events (`timeline`) with its commits, reviews and comments.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from graphql import GraphQLResolveInfo

from dexxy_sandbox.github_graphql.records import (
    changed_files,
    check_runs_on,
    issue_comments,
    patch_status,
    review_comments,
)
from dexxy_sandbox.github_graphql.timeline import TimelineEvent, timeline
from dexxy_sandbox.github_graphql.views import (
    EVENT_TYPES,
    AppView,
    CheckSuiteView,
    CommitView,
    Connection,
    GraphData,
    PullRequestCommitView,
    RecordView,
    ReviewThreadView,
    ReviewView,
    StatusCheckRollupView,
    TimelineItems,
)
from dexxy_sandbox.org.github_ids import legacy_node_id, stable_sha
from dexxy_sandbox.org.model import Account, PullRequest

Resolver = Any

_APPS = {  # slug -> (name, database id): GitHub's own apps keep their real ids
    "github-actions": ("GitHub Actions", 15368),
    "github-advanced-security": ("GitHub Advanced Security", 57789),
}


def _data(info: GraphQLResolveInfo) -> GraphData:
    return info.context.data


def _upper(value: str | None) -> str | None:
    return value.upper() if value else None


# ----- files -----
def pr_files(pr: PullRequest, info: GraphQLResolveInfo, **args: Any) -> Connection:
    records = changed_files(_data(info).org, pr)
    return Connection([RecordView("PullRequestChangedFile", pr, f) for f in records], args)


CHANGED_FILE: dict[str, Resolver] = {
    "additions": lambda v, info: v.record.additions,
    "changeType": lambda v, info: patch_status(v.record.status),
    "deletions": lambda v, info: v.record.deletions,
    "path": lambda v, info: v.record.filename,
}


# ----- checks -----
def _runs_on(data: GraphData, commit: CommitView) -> tuple[Any, ...]:
    if commit.merge:
        return check_runs_on(data.org, commit.pr, None)
    if commit.index is None:
        return ()
    return check_runs_on(data.org, commit.pr, commit.index)


def _latest_attempts(runs: tuple[Any, ...]) -> list[Any]:
    """The most recent run of each check name: a re-run hides its failed attempt (REST's `filter=latest`)."""
    latest: dict[str, Any] = {}
    for run in runs:
        kept = latest.get(run.name)
        if kept is None or (run.started_at, run.id) > (kept.started_at, kept.id):
            latest[run.name] = run
    return [run for run in runs if latest[run.name] is run]


def _suites(data: GraphData, commit: CommitView) -> list[CheckSuiteView]:
    by_suite: dict[tuple[str, int], list[Any]] = {}
    for run in _latest_attempts(_runs_on(data, commit)):
        by_suite.setdefault((run.app, run.suite_id), []).append(run)
    return [CheckSuiteView(commit, app, suite_id, tuple(runs)) for (app, suite_id), runs in by_suite.items()]


def commit_check_suites(commit: CommitView, info: GraphQLResolveInfo, **args: Any) -> Connection:
    return Connection(_suites(_data(info), commit), args)


def commit_status_rollup(commit: CommitView, info: GraphQLResolveInfo) -> StatusCheckRollupView | None:
    runs = tuple(run for suite in _suites(_data(info), commit) for run in suite.runs)
    return StatusCheckRollupView(commit, runs) if runs else None


class RollupContexts(Connection):
    """A rollup's contexts: check runs only (the sandbox sets no commit statuses)."""

    def __init__(self, rollup: StatusCheckRollupView, args: dict[str, Any]) -> None:
        super().__init__(
            [RecordView("CheckRun", rollup.commit.pr, run, rollup.commit) for run in rollup.runs], args
        )
        self.checkRunCount = len(rollup.runs)
        self.statusContextCount = 0


def _rollup_state(rollup: StatusCheckRollupView) -> str:
    """GitHub's combined state: a failing run fails it, an unfinished one leaves it pending."""
    if any(run.status != "completed" for run in rollup.runs):
        return "PENDING"
    bad = {"failure", "timed_out", "cancelled", "action_required", "startup_failure", "stale"}
    return "FAILURE" if any(run.conclusion in bad for run in rollup.runs) else "SUCCESS"


STATUS_CHECK_ROLLUP: dict[str, Resolver] = {
    "commit": lambda r, info: r.commit,
    "contexts": lambda r, info, **args: RollupContexts(r, args),
    "id": lambda r, info: legacy_node_id("StatusCheckRollup", r.commit.commit.sha),
    "state": lambda r, info: _rollup_state(r),
}


def _suite_status(suite: CheckSuiteView) -> str:
    statuses = {run.status for run in suite.runs}
    if statuses <= {"completed"}:
        return "COMPLETED"
    return "IN_PROGRESS" if statuses & {"in_progress", "completed"} else "QUEUED"


def _suite_conclusion(suite: CheckSuiteView) -> str | None:
    if _suite_status(suite) != "COMPLETED":
        return None
    conclusions = {(run.conclusion or "neutral").upper() for run in suite.runs}
    for worst in ("FAILURE", "TIMED_OUT", "CANCELLED", "ACTION_REQUIRED", "STARTUP_FAILURE", "STALE"):
        if worst in conclusions:
            return worst
    if conclusions <= {"SKIPPED", "NEUTRAL"}:
        return "NEUTRAL" if "NEUTRAL" in conclusions else "SKIPPED"
    return "SUCCESS"


def _suite_times(suite: CheckSuiteView) -> tuple[dt.datetime, dt.datetime]:
    started = min(run.started_at for run in suite.runs)
    ended = [run.completed_at or run.started_at for run in suite.runs]
    return started, max(ended)


def _suite_path(data: GraphData, suite: CheckSuiteView) -> str:
    commit = suite.commit
    return f"/{data.org.login}/{commit.pr.repo}/commit/{commit.commit.sha}/checks?check_suite_id={suite.id}"


CHECK_SUITE: dict[str, Resolver] = {
    "app": lambda s, info: AppView(s.app),
    "checkRuns": lambda s, info, **args: Connection(
        [RecordView("CheckRun", s.commit.pr, run, s.commit) for run in s.runs], args
    ),
    "commit": lambda s, info: s.commit,
    "conclusion": lambda s, info: _suite_conclusion(s),
    "createdAt": lambda s, info: _suite_times(s)[0],
    "databaseId": lambda s, info: s.id,
    "id": lambda s, info: legacy_node_id("CheckSuite", s.id),
    "resourcePath": lambda s, info: _suite_path(_data(info), s),
    "status": lambda s, info: _suite_status(s),
    "updatedAt": lambda s, info: _suite_times(s)[1],
    "url": lambda s, info: _data(info).web_root + _suite_path(_data(info), s),
}


def _app(slug: str) -> tuple[str, int]:
    return _APPS.get(slug, (slug.replace("-", " ").title(), int(stable_sha("app", slug)[:6], 16)))


APP: dict[str, Resolver] = {
    "createdAt": lambda a, info: dt.datetime(2018, 7, 30, 9, 30, tzinfo=dt.UTC),
    "databaseId": lambda a, info: _app(a.slug)[1],
    "id": lambda a, info: legacy_node_id("App", _app(a.slug)[1]),
    "name": lambda a, info: _app(a.slug)[0],
    "slug": lambda a, info: a.slug,
    "updatedAt": lambda a, info: dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    "url": lambda a, info: f"{_data(info).web_root}/apps/{a.slug}",
}


def _run_path(data: GraphData, view: RecordView) -> str:
    """The run's page, as REST's `details_url`: an Actions job, or the checks tab for other apps."""
    run = view.record
    if run.app == "github-actions":
        return f"/{data.org.login}/{view.pr.repo}/actions/runs/{run.workflow_run_id}/job/{run.id}"
    return f"/{data.org.login}/{view.pr.repo}/runs/{run.id}"


def _run_suite(view: RecordView, info: GraphQLResolveInfo) -> CheckSuiteView:
    assert view.commit is not None
    run = view.record
    suites = [s for s in _suites(_data(info), view.commit) if s.id == run.suite_id and s.app == run.app]
    return suites[0] if suites else CheckSuiteView(view.commit, run.app, run.suite_id, (run,))


CHECK_RUN: dict[str, Resolver] = {
    "checkSuite": _run_suite,
    "completedAt": lambda v, info: v.record.completed_at,
    "conclusion": lambda v, info: _upper(v.record.conclusion),
    "databaseId": lambda v, info: v.record.id,
    "detailsUrl": lambda v, info: _data(info).web_root + _run_path(_data(info), v),
    "externalId": lambda v, info: str(uuid.UUID(stable_sha("check-run", v.record.id)[:32])),
    "id": lambda v, info: legacy_node_id("CheckRun", v.record.id),
    "name": lambda v, info: v.record.name,
    "permalink": lambda v, info: _data(info).web_root + _run_path(_data(info), v),
    "resourcePath": lambda v, info: _run_path(_data(info), v),
    "startedAt": lambda v, info: v.record.started_at,
    "status": lambda v, info: _upper(v.record.status),
    "summary": lambda v, info: v.record.output_summary,
    "title": lambda v, info: v.record.output_title,
    "url": lambda v, info: _data(info).web_root + _run_path(_data(info), v),
}


# ----- comments -----
def pr_comments(pr: PullRequest, info: GraphQLResolveInfo, **args: Any) -> Connection:
    records = issue_comments(_data(info).org, pr)
    return Connection([RecordView("IssueComment", pr, c) for c in records], args)


def _comment_path(data: GraphData, view: RecordView) -> str:
    anchor = (
        f"issuecomment-{view.record.id}" if view.kind == "IssueComment" else f"discussion_r{view.record.id}"
    )
    return f"{data.pr_path(view.pr)}#{anchor}"


def _comment_fields(type_name: str) -> dict[str, Resolver]:
    return {
        "author": lambda v, info: _data(info).actor(v.record.author),
        "authorAssociation": lambda v, info: _data(info).association(v.record.author),
        "body": lambda v, info: v.record.body,
        "createdAt": lambda v, info: v.record.created_at,
        "databaseId": lambda v, info: v.record.id,
        "fullDatabaseId": lambda v, info: v.record.id,
        "id": lambda v, info: legacy_node_id(type_name, v.record.id),
        "pullRequest": lambda v, info: v.pr,
        "repository": lambda v, info: _data(info).org.repository(v.pr.repo),
        "resourcePath": lambda v, info: _comment_path(_data(info), v),
        "updatedAt": lambda v, info: v.record.updated_at,
        "url": lambda v, info: _data(info).web_root + _comment_path(_data(info), v),
    }


ISSUE_COMMENT: dict[str, Resolver] = _comment_fields("IssueComment")


def _reply_to(view: RecordView, info: GraphQLResolveInfo) -> RecordView | None:
    parent = view.record.in_reply_to_id
    if parent is None:
        return None
    for record in review_comments(_data(info).org, view.pr):
        if record.id == parent:
            return RecordView("PullRequestReviewComment", view.pr, record)
    return None


def _review_of(view: RecordView) -> ReviewView | None:
    for review in view.pr.reviews:
        if review.id == view.record.review_id:
            return ReviewView(view.pr, review)
    return None


REVIEW_COMMENT: dict[str, Resolver] = {
    **_comment_fields("PullRequestReviewComment"),
    "commit": lambda v, info: _data(info).commit_by_sha(v.pr, v.record.commit_id),
    "diffHunk": lambda v, info: v.record.diff_hunk,
    "line": lambda v, info: v.record.line,
    "originalCommit": lambda v, info: _data(info).commit_by_sha(v.pr, v.record.original_commit_id),
    "originalLine": lambda v, info: getattr(v.record, "original_line", v.record.line),
    "outdated": lambda v, info: v.record.commit_id != v.record.original_commit_id,
    "path": lambda v, info: v.record.path,
    "pullRequestReview": lambda v, info: _review_of(v),
    "replyTo": _reply_to,
}


def review_comments_of(view: ReviewView, info: GraphQLResolveInfo, **args: Any) -> Connection:
    """The inline comments submitted with a review."""
    records = review_comments(_data(info).org, view.pr)
    mine = [
        RecordView("PullRequestReviewComment", view.pr, r) for r in records if r.review_id == view.review.id
    ]
    return Connection(mine, args)


def pr_review_threads(pr: PullRequest, info: GraphQLResolveInfo, **args: Any) -> Connection:
    """Review comments grouped into threads: the first comment and the replies to it, in time order."""
    threads: dict[int, list[Any]] = {}
    for record in review_comments(_data(info).org, pr):
        threads.setdefault(record.in_reply_to_id or record.id, []).append(record)
    return Connection([ReviewThreadView(pr, tuple(comments)) for comments in threads.values()], args)


def _thread_comments(thread: ReviewThreadView, info: GraphQLResolveInfo, **args: Any) -> Connection:
    views = [RecordView("PullRequestReviewComment", thread.pr, c) for c in thread.comments]
    return Connection(views[max(args.get("skip") or 0, 0) :], args)


REVIEW_THREAD: dict[str, Resolver] = {
    "comments": _thread_comments,
    "id": lambda t, info: legacy_node_id("PullRequestReviewThread", t.comments[0].id),
    "isOutdated": lambda t, info: t.comments[0].commit_id != t.comments[0].original_commit_id,
    "isResolved": lambda t, info: bool(getattr(t.comments[0], "resolved", False)),
    "line": lambda t, info: t.comments[0].line,
    "originalLine": lambda t, info: getattr(t.comments[0], "original_line", t.comments[0].line),
    "path": lambda t, info: t.comments[0].path,
    "pullRequest": lambda t, info: t.pr,
    "repository": lambda t, info: _data(info).org.repository(t.pr.repo),
}


# ----- timeline -----
def pr_timeline_items(pr: PullRequest, info: GraphQLResolveInfo, **args: Any) -> TimelineItems:
    data = _data(info)
    item_types = set(args["itemTypes"]) if args.get("itemTypes") else None
    positions: dict[str, int] = {}

    def commit_view(commit: Any) -> PullRequestCommitView:
        if not positions:
            positions.update({c.sha: i for i, c in enumerate(data.org.commits(pr))})
        return PullRequestCommitView(pr, commit, positions[commit.sha])

    wrap = {
        "commit": commit_view,
        "review": lambda review: ReviewView(pr, review),
        "comment": lambda comment: RecordView("IssueComment", pr, comment),
    }
    items = timeline(data.org, pr, item_types, wrap)
    since = args.get("since")
    if isinstance(since, str):
        since = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
    if isinstance(since, dt.datetime):
        items = [item for item in items if item[0] >= since]
    return TimelineItems([item for _, item in items], args, max(args.get("skip") or 0, 0), pr.updated_at)


def _event_path(data: GraphData, event: TimelineEvent) -> str:
    return f"{data.pr_path(event.pr)}#event-{event.id}"


def _requested(event: TimelineEvent, info: GraphQLResolveInfo) -> Account | None:
    return _data(info).actor(event.subject)


def _event_label(event: TimelineEvent, info: GraphQLResolveInfo) -> Any:
    data = _data(info)
    for label in data.labels(event.pr):
        if label.payload["name"] == event.label:
            return label
    return None


EVENT: dict[str, Resolver] = {
    "actor": lambda e, info: _data(info).actor(e.actor),
    "assignee": _requested,
    "commit": lambda e, info: _data(info).merge_commit(e.pr),
    "createdAt": lambda e, info: e.at,
    "headRefName": lambda e, info: e.pr.head_ref,
    "id": lambda e, info: legacy_node_id(EVENT_TYPES[e.kind], e.id),
    "label": _event_label,
    "mergeRefName": lambda e, info: e.pr.base_ref,
    "pullRequest": lambda e, info: e.pr,
    "requestedReviewer": _requested,
    "resourcePath": lambda e, info: _event_path(_data(info), e),
    "url": lambda e, info: _data(info).web_root + _event_path(_data(info), e),
}

DETAIL_BINDINGS: dict[str, dict[str, Resolver]] = {
    "PullRequestChangedFile": CHANGED_FILE,
    "CheckSuite": CHECK_SUITE,
    "CheckRun": CHECK_RUN,
    "StatusCheckRollup": STATUS_CHECK_ROLLUP,
    "App": APP,
    "IssueComment": ISSUE_COMMENT,
    "PullRequestReviewComment": REVIEW_COMMENT,
    "PullRequestReviewThread": REVIEW_THREAD,
    **{type_name: EVENT for type_name in EVENT_TYPES.values()},
}
