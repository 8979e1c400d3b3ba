"""REST handlers for what happens around pull requests: files, check runs, comments, timeline events,
deployments, comparisons and single commits.

Lists are paged by the pipeline (with `Link` headers pointing at `/repositories/{id}/...`, as GitHub's do);
these handlers filter and order, and keep GitHub's caps: 3000 files per PR, 250 commits in an unpaged
comparison (the newest ones), 300 files in a comparison.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from dexxy_sandbox.github_rest.activity_payloads import GitHubActivityPayloads
from dexxy_sandbox.github_rest.handling import (
    NOT_FOUND,
    ApiError,
    Listing,
    OrgLookup,
    RestRequest,
    choice,
    since,
)
from dexxy_sandbox.github_rest.pagination import PageRequest
from dexxy_sandbox.github_rest.payloads import Json
from dexxy_sandbox.org.file_generator import FILES_LIST_CAP
from dexxy_sandbox.org.git_graph import COMPARE_COMMITS_CAP, Position, RepositoryGraph
from dexxy_sandbox.org.model import (
    ChangedFile,
    CheckRun,
    CommentStamp,
    IssueComment,
    PullRequest,
    Repository,
    SyntheticOrg,
)
from dexxy_sandbox.org.revisions import PerRevision

COMPARE_FILES_CAP = 300
Handler = Callable[[RestRequest], Json | Listing]


class ActivityHandlers:
    """The activity endpoints of one org."""

    def __init__(
        self, org: SyntheticOrg, payloads: GitHubActivityPayloads, lookup: OrgLookup, api_root: str
    ) -> None:
        self.org = org
        self.payloads = payloads
        self.lookup = lookup
        self.api_root = api_root.rstrip("/")
        self._stamps: PerRevision[list[tuple[CommentStamp | IssueComment, PullRequest]]] = PerRevision(
            lambda: org.revision
        )

    def routes(self) -> list[tuple[str, tuple[str, ...], Handler]]:
        """(canonical template, aliases, handler); more specific paths first."""
        repo, alias = "/repos/{owner}/{repo}", "/repositories/{repo_id:int}"
        pull, issue = "/pulls/{pull_number:int}", "/issues/{issue_number:int}"
        return [
            (f"{repo}{pull}/files", (f"{alias}{pull}/files",), self.files),
            (f"{repo}{pull}/comments", (f"{alias}{pull}/comments",), self.review_comments),
            (f"{repo}{issue}/comments", (f"{alias}{issue}/comments",), self.issue_comments),
            (f"{repo}{issue}/events", (f"{alias}{issue}/events",), self.issue_events),
            (f"{repo}/issues/comments", (f"{alias}/issues/comments",), self.repo_issue_comments),
            (f"{repo}/pulls/comments", (f"{alias}/pulls/comments",), self.repo_review_comments),
            (f"{repo}/issues/comments/{{comment_id:int}}", (), self.issue_comment),
            (f"{repo}/pulls/comments/{{comment_id:int}}", (), self.review_comment),
            (
                f"{repo}/commits/{{ref:path}}/check-runs",
                (f"{alias}/commits/{{ref:path}}/check-runs",),
                self.check_runs,
            ),
            (f"{repo}/commits/{{ref:path}}", (), self.commit),
            (f"{repo}/compare/{{basehead:path}}", (f"{alias}/compare/{{basehead:path}}",), self.compare),
            (f"{repo}/deployments", (f"{alias}/deployments",), self.deployments),
            (
                f"{repo}/deployments/{{deployment_id:int}}/statuses",
                (f"{alias}/deployments/{{deployment_id:int}}/statuses",),
                self.deployment_statuses,
            ),
            (f"{repo}/deployments/{{deployment_id:int}}", (), self.deployment),
        ]

    def _paging(self, repo: Repository, suffix: str) -> str:
        return f"{self.api_root}/repositories/{repo.id}{suffix}"

    # ----- files -----
    def files(self, request: RestRequest) -> Listing:
        repo, pr = self.lookup.pull_request(request.params)
        return Listing(
            self.org.files(pr)[:FILES_LIST_CAP],
            lambda f: self.payloads.changed_file(repo.name, pr.head_sha, f),
            self._paging(repo, f"/pulls/{pr.number}/files"),
        )

    # ----- comments and events -----
    def issue_comments(self, request: RestRequest) -> Listing:
        repo, pr = self.lookup.pull_request(request.params, "issue_number")
        after = since(request.query)
        comments = [c for c in self.org.issue_comments(pr) if after is None or c.updated_at >= after]
        return Listing(
            comments, self.payloads.issue_comment, self._paging(repo, f"/issues/{pr.number}/comments")
        )

    def review_comments(self, request: RestRequest) -> Listing:
        repo, pr = self.lookup.pull_request(request.params)
        comments = _ordered(list(self.org.review_comments(pr)), request.query, ("created", "updated"))
        return Listing(
            comments, self.payloads.review_comment, self._paging(repo, f"/pulls/{pr.number}/comments")
        )

    def issue_events(self, request: RestRequest) -> Listing:
        repo, pr = self.lookup.pull_request(request.params, "issue_number")
        return Listing(
            self.org.issue_events(pr),
            lambda event: self.payloads.issue_event(pr, event),
            self._paging(repo, f"/issues/{pr.number}/events"),
        )

    def _repo_stamps(
        self, repo: Repository, kind: str
    ) -> list[tuple[CommentStamp | IssueComment, PullRequest]]:
        """Every comment stamp of the repository, by id (cheap: the text is generated per page); the
        conversation's also holds the comments posted to its pull requests (`org.posted_comments`)."""

        def build() -> list[tuple[CommentStamp | IssueComment, PullRequest]]:
            pulls = self.org.pulls(repo.name)
            found: list[tuple[CommentStamp | IssueComment, PullRequest]]
            if kind == "issue":
                found = [(s, pr) for pr in pulls for s in pr.issue_comment_stamps]
                found += [(c, pr) for pr in pulls for c in self.org.posted_comments.of(pr.repo, pr.number)]
            else:
                found = [(s, pr) for pr in pulls for s in pr.review_comment_stamps]
            return sorted(found, key=lambda item: item[0].id)

        return self._stamps.get((repo.name, kind), build)

    def _repo_comments(self, request: RestRequest, kind: str, sorts: tuple[str, ...]) -> Listing:
        repo = self.lookup.repo(request.params)
        stamps = _ordered(self._repo_stamps(repo, kind), request.query, sorts, stamp=lambda item: item[0])

        def render(item: tuple[CommentStamp | IssueComment, PullRequest]) -> Json:
            if kind == "issue":
                return self.payloads.issue_comment(self._issue_comment(*item))
            return self.payloads.review_comment(self._review_comment(*item))

        return Listing(
            stamps, render, self._paging(repo, f"/{'issues' if kind == 'issue' else 'pulls'}/comments")
        )

    def repo_issue_comments(self, request: RestRequest) -> Listing:
        return self._repo_comments(request, "issue", ("created", "updated"))

    def repo_review_comments(self, request: RestRequest) -> Listing:
        return self._repo_comments(request, "review", ("created", "updated", "created_at"))

    def _issue_comment(self, stamp: CommentStamp | IssueComment, pr: PullRequest) -> Any:
        return next(c for c in self.org.issue_comments(pr) if c.id == stamp.id)

    def _review_comment(self, stamp: CommentStamp | IssueComment, pr: PullRequest) -> Any:
        return next(c for c in self.org.review_comments(pr) if c.id == stamp.id)

    def issue_comment(self, request: RestRequest) -> Json:
        repo = self.lookup.repo(request.params)
        found = next(
            (item for item in self._repo_stamps(repo, "issue") if item[0].id == request.params["comment_id"]),
            None,
        )
        if found is None:
            raise NOT_FOUND
        return self.payloads.issue_comment(self._issue_comment(*found))

    def review_comment(self, request: RestRequest) -> Json:
        repo = self.lookup.repo(request.params)
        found = next(
            (
                item
                for item in self._repo_stamps(repo, "review")
                if item[0].id == request.params["comment_id"]
            ),
            None,
        )
        if found is None:
            raise NOT_FOUND
        return self.payloads.review_comment(self._review_comment(*found))

    # ----- check runs and commits -----
    def _graph(self, repo: Repository) -> RepositoryGraph:
        graph: RepositoryGraph = self.org.repository_graph(repo.name)
        return graph

    def check_runs(self, request: RestRequest) -> Listing:
        repo = self.lookup.repo(request.params)
        ref = request.params["ref"]
        runs = self._graph(repo).check_runs(ref)
        if runs is None:
            raise ApiError(422, f"No commit found for SHA: {ref}")
        query = request.query
        status = query.get("status")
        if status is not None and status not in ("queued", "in_progress", "completed"):
            raise ApiError(422, "Validation Failed", [{"field": "status", "code": "invalid"}])
        if choice(query, "filter", ("latest", "all"), "latest") == "latest":
            runs = _latest_attempts(runs)
        if query.get("check_name"):
            runs = tuple(run for run in runs if run.name == query["check_name"])
        if status:
            runs = tuple(run for run in runs if run.status == status)
        if query.get("app_id"):
            app_ids = {"github-actions": "15368", "github-advanced-security": "57789"}
            runs = tuple(run for run in runs if app_ids[run.app] == query["app_id"])

        def render(run: CheckRun) -> Json:
            return self.payloads.check_run(repo.name, run)

        return Listing(
            runs,
            render,
            self._paging(repo, f"/commits/{ref}/check-runs"),
            envelope=lambda page, total: {"total_count": total, "check_runs": [render(run) for run in page]},
        )

    def commit(self, request: RestRequest) -> Json:
        repo = self.lookup.repo(request.params)
        graph = self._graph(repo)
        ref = request.params["ref"]
        position = graph.resolve(ref)
        if position is None:
            raise ApiError(422, f"No commit found for SHA: {ref}")
        return self.payloads.single_commit(
            repo.name, graph.commit(position), self._commit_files(graph, position)
        )

    def _commit_files(self, graph: RepositoryGraph, position: Position) -> Sequence[ChangedFile]:
        """A squash commit changes what its PR changed; a PR's commits share its files round-robin."""
        merged = graph.merged_pull(position)
        if merged is not None:
            return self.org.files(merged)[:COMPARE_FILES_CAP]
        if position.pr is None or position.commit_index is None:
            return ()
        files, count = self.org.files(position.pr), position.pr.commit_count
        return [
            f for i, f in enumerate(files[: count * COMPARE_FILES_CAP]) if i % count == position.commit_index
        ]

    def compare(self, request: RestRequest) -> Json | Listing:
        repo = self.lookup.repo(request.params)
        graph = self._graph(repo)
        basehead = request.params["basehead"]
        base_ref, separator, head_ref = basehead.partition("...")
        if not separator:
            base_ref, separator, head_ref = basehead.partition("..")
        base = graph.resolve(base_ref) if separator else None
        head = graph.resolve(head_ref) if separator else None
        if base is None or head is None:
            raise NOT_FOUND
        result = graph.compare(base, head)

        def render(commits: Sequence[Position], with_files: bool) -> Json:
            shown = self._compare_files(graph, result.commits) if with_files else []
            return self.payloads.comparison(repo.name, graph, basehead, result, commits, shown, head.sha)

        if "page" not in request.query and "per_page" not in request.query:
            return render(result.commits[-COMPARE_COMMITS_CAP:], True)
        first_page = PageRequest.from_query(request.query).page == 1  # files come with the first page only
        return Listing(
            result.commits,
            lambda position: self.payloads.core.repo_commit(repo.name, graph.commit(position)),
            self._paging(repo, f"/compare/{basehead}"),
            envelope=lambda page, _total: render(page, first_page),
        )

    def _compare_files(self, graph: RepositoryGraph, commits: Sequence[Position]) -> list[ChangedFile]:
        """The files the compared commits change, by path, at most 300 (the first PR to touch one wins)."""
        seen: dict[str, ChangedFile] = {}
        done: set[int] = set()
        for position in commits:
            pr = graph.merged_pull(position) or position.pr
            if pr is None or pr.number in done:
                continue
            done.add(pr.number)
            for file in self.org.files(pr):
                seen.setdefault(file.filename, file)
            if len(seen) >= COMPARE_FILES_CAP:
                break
        return [seen[name] for name in sorted(seen)][:COMPARE_FILES_CAP]

    # ----- deployments -----
    def deployments(self, request: RestRequest) -> Listing:
        repo = self.lookup.repo(request.params)
        query = request.query
        found = list(reversed(self.org.deployments(repo.name)))  # newest first
        for name in ("sha", "ref", "task", "environment"):
            wanted = query.get(name)
            if wanted and wanted != "none":
                found = [d for d in found if getattr(d, name) == wanted]
        return Listing(found, self.payloads.deployment, self._paging(repo, "/deployments"))

    def _deployment(self, request: RestRequest) -> Any:
        repo = self.lookup.repo(request.params)
        wanted = request.params["deployment_id"]
        found = next((d for d in self.org.deployments(repo.name) if d.id == wanted), None)
        if found is None:
            raise NOT_FOUND
        return repo, found

    def deployment(self, request: RestRequest) -> Json:
        _, found = self._deployment(request)
        return self.payloads.deployment(found)

    def deployment_statuses(self, request: RestRequest) -> Listing:
        repo, found = self._deployment(request)
        return Listing(
            list(reversed(found.statuses)),  # newest first, as GitHub lists them
            lambda status: self.payloads.deployment_status(found, status),
            self._paging(repo, f"/deployments/{found.id}/statuses"),
        )


def _latest_attempts(runs: Sequence[CheckRun]) -> tuple[CheckRun, ...]:
    """`filter=latest`: only the most recent run of each check name (a re-run hides its failed attempt)."""
    latest: dict[str, CheckRun] = {}
    for run in runs:
        kept = latest.get(run.name)
        if kept is None or (run.started_at, run.id) > (kept.started_at, kept.id):
            latest[run.name] = run
    return tuple(run for run in runs if latest[run.name] is run)


def _ordered(
    items: list[Any], query: dict[str, str], sorts: tuple[str, ...], stamp: Callable[[Any], Any] = lambda c: c
) -> list[Any]:
    """`since` (updated at or after), then `sort`/`direction`; without `sort`, ascending ids as GitHub."""
    after = since(query)
    if after is not None:
        items = [item for item in items if stamp(item).updated_at >= after]
    if not query.get("sort"):
        return items
    sort = choice(query, "sort", sorts, "created")
    descending = choice(query, "direction", ("asc", "desc"), "asc") == "desc"
    key: Callable[[Any], tuple[dt.datetime, int]] = (
        (lambda item: (stamp(item).updated_at, stamp(item).id))
        if sort == "updated"
        else (lambda item: (stamp(item).created_at, stamp(item).id))
    )
    return sorted(items, key=key, reverse=descending)
