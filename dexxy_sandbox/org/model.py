"""The synthetic organisation as plain, immutable records.

These records are the sandbox's ground truth: the REST emulator renders them in GitHub's shapes, and tests
compare what the product loaded against them (for instance `PullRequest.ai_tools` or `jira_key`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dexxy_sandbox.org.posted_comments import PostedComments


@dataclass(frozen=True, slots=True)
class Account:
    """A GitHub account: an engineer, a bot, or a GitHub-internal user such as `ghost` or `web-flow`."""

    login: str
    id: int
    node_id: str
    type: str  # "User" or "Bot", as GitHub reports it
    name: str | None
    email: str | None  # the address this account commits with
    created_at: dt.datetime
    public_email: str | None = None  # what /users/{login} shows; usually hidden
    team: str | None = None
    jira_account_id: str | None = None
    utc_offset_hours: float = 0.0
    location: str | None = None
    company: str | None = None
    deleted: bool = False  # a deleted account: the REST API shows `user: null` (or "ghost") for its work
    is_engineer: bool = False


@dataclass(frozen=True, slots=True)
class Team:
    """A team of engineers; reviewers are usually picked from the author's team."""

    slug: str
    name: str
    id: int
    node_id: str
    members: tuple[str, ...]  # direct members (logins); a parent team's listing adds its child teams'
    maintainers: tuple[str, ...] = ()  # direct members whose team role is maintainer
    parent: str | None = None  # slug of the parent team, for a nested team
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Repository:
    """A repository under the organisation."""

    name: str
    id: int
    node_id: str
    description: str
    language: str
    languages: tuple[tuple[str, int], ...]  # (language, bytes), largest first
    topics: tuple[str, ...]
    jira_project_key: str
    dependency_bot: str  # login of the bot that opens dependency PRs here
    dependency_ecosystem: str  # dependabot's ecosystem directory, e.g. "npm_and_yarn"
    created_at: dt.datetime
    pushed_at: dt.datetime
    updated_at: dt.datetime
    visibility: str = "private"
    default_branch: str = "main"
    size_kb: int = 0
    stargazers: int = 0

    @property
    def private(self) -> bool:
        return self.visibility != "public"


@dataclass(frozen=True, slots=True)
class Review:
    """One submitted pull-request review."""

    id: int
    node_id: str
    reviewer: str  # login; the account may be deleted or a bot
    state: str  # APPROVED, CHANGES_REQUESTED or COMMENTED
    body: str
    submitted_at: dt.datetime
    commit_id: str  # the head commit at the time of the review
    comment_count: int = 0  # inline comments submitted with it (replies to them are not part of it)


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit on a pull request's head branch (generated lazily, see `commit_generator`)."""

    sha: str
    tree_sha: str
    parent_sha: str
    message: str
    author_name: str
    author_email: str
    author_login: str | None  # None when the e-mail maps to no GitHub account
    authored_at: dt.datetime
    committer_name: str
    committer_email: str
    committer_login: str | None
    committed_at: dt.datetime
    verified: bool = False


@dataclass(frozen=True, slots=True)
class CommitPlan:
    """What is needed to generate a PR's commits later, without keeping them in memory."""

    seed: int
    initial_count: int  # commits pushed before the PR was opened
    first_commit_at: dt.datetime
    fixup_times: tuple[dt.datetime, ...]  # commits pushed after review feedback
    style: str  # "human", "bot" or "revert"
    ai_tools: tuple[str, ...]  # AI assistants whose traces appear in the commit messages
    co_author: str | None  # login of a human pair-programming co-author (a hard negative for AI detection)
    suggestion_by: str | None  # reviewer whose "Apply suggestions from code review" commit is among fixups
    reverted_merge_sha: str | None = None

    @property
    def count(self) -> int:
        return self.initial_count + len(self.fixup_times)


@dataclass(frozen=True, slots=True)
class CommentStamp:
    """When and by whom a comment was written; its text, path and line are generated on demand."""

    id: int
    author: str  # login; the account may be deleted or a bot
    created_at: dt.datetime
    updated_at: dt.datetime  # later than created_at when it was edited
    review_id: int | None = (
        None  # review comments submitted with a review; None for issue comments and replies
    )
    in_reply_to_id: int | None = None  # review-comment replies: the id of the thread's first comment


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request in its state as of the org's `as_of` instant."""

    repo: str
    number: int
    id: int
    node_id: str
    title: str
    body: str | None
    author: str
    head_ref: str
    base_ref: str
    head_sha: str
    base_sha: str
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    merged_at: dt.datetime | None
    merged_by: str | None
    merge_commit_sha: str | None
    draft: bool
    mergeable: bool | None
    additions: int
    deletions: int
    changed_files: int
    comments: int
    review_comments: int
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    requested_reviewers: tuple[str, ...]
    reviews: tuple[Review, ...]
    commit_plan: CommitPlan
    kind: str  # feature, fix, chore, hotfix, revert or dependency: ground truth for classifiers
    jira_key: str | None  # the Jira issue the PR really belongs to (ground truth)
    ai_tools: tuple[str, ...]  # AI assistants whose traces the PR carries (ground truth)
    reverts_number: int | None = None
    issue_comment_stamps: tuple[CommentStamp, ...] = ()  # the conversation; len() == comments
    review_comment_stamps: tuple[
        CommentStamp, ...
    ] = ()  # inline comments and replies; len() == review_comments
    draft_events: tuple[tuple[str, dt.datetime], ...] = ()  # ("ready_for_review" | "convert_to_draft", when)
    opened_as_draft: bool = False
    head_ref_deleted_at: dt.datetime | None = None

    @property
    def state(self) -> str:
        return "open" if self.closed_at is None else "closed"

    @property
    def merged(self) -> bool:
        return self.merged_at is not None

    @property
    def commit_count(self) -> int:
        return self.commit_plan.count


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One file of a pull request's diff, as GET /pulls/{n}/files lists it."""

    filename: str
    status: str  # added, modified, removed or renamed
    additions: int
    deletions: int
    blob_sha: str
    patch: str | None  # unified diff hunks; None for binary files, pure renames and very large diffs
    previous_filename: str | None = None  # renamed files only

    @property
    def changes(self) -> int:
        return self.additions + self.deletions


@dataclass(frozen=True, slots=True)
class CheckRun:
    """One check run (a CI job) on a commit, in its state as of the org's `as_of`."""

    id: int
    name: str
    app: str  # slug of the GitHub App that owns it: "github-actions" or "github-advanced-security"
    suite_id: int
    workflow_run_id: int
    head_sha: str
    status: str  # queued, in_progress or completed
    conclusion: str | None  # success, failure, neutral, cancelled, skipped, timed_out; None until completed
    started_at: dt.datetime
    completed_at: dt.datetime | None
    attempt: int = 1  # re-runs of a failed job are new check runs with the same name
    annotations: int = 0
    output_title: str | None = None
    output_summary: str | None = None
    pull_number: int | None = None  # the PR whose commit it ran on (None for default-branch commits)


@dataclass(frozen=True, slots=True)
class IssueComment:
    """A comment in a pull request's conversation tab (GET /issues/{n}/comments)."""

    id: int
    repo: str
    number: int
    author: str
    body: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ReviewComment:
    """An inline review comment on a diff line (GET /pulls/{n}/comments); replies form threads."""

    id: int
    repo: str
    number: int
    author: str
    body: str
    created_at: dt.datetime
    updated_at: dt.datetime
    review_id: int | None  # None for replies, which the sandbox does not wrap in reviews of their own
    in_reply_to_id: int | None
    path: str
    line: int | None  # None for comments on a whole file
    side: str  # RIGHT (the new file) or LEFT (the old one)
    position: int | None  # the deprecated index into the diff
    diff_hunk: str
    commit_id: str
    original_commit_id: str


@dataclass(frozen=True, slots=True)
class IssueEvent:
    """A timeline event of a pull request (GET /issues/{n}/events): draft toggles, labels, merges..."""

    id: int
    event: str  # ready_for_review, convert_to_draft, labeled, assigned, review_requested, merged, closed...
    actor: str
    created_at: dt.datetime
    commit_id: str | None = None
    label: str | None = None
    subject: str | None = None  # the assignee or requested reviewer


@dataclass(frozen=True, slots=True)
class DeploymentStatus:
    """One state change of a deployment."""

    id: int
    state: str  # queued, in_progress, success, failure, error or inactive
    creator: str
    description: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Deployment:
    """A deployment of one commit to `production` or `staging`, with the statuses seen by `as_of`."""

    id: int
    repo: str
    sha: str
    ref: str
    environment: str
    creator: str
    description: str
    created_at: dt.datetime
    statuses: tuple[DeploymentStatus, ...]  # oldest first
    kind: str  # ground truth: baseline, release, hotfix, retry, rollback, branch or continuous
    task: str = "deploy"
    payload: tuple[tuple[str, str], ...] = ()

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def updated_at(self) -> dt.datetime:
        return self.statuses[-1].created_at if self.statuses else self.created_at

    @property
    def state(self) -> str | None:
        """The latest status (what GitHub's UI shows), None before the first one."""
        return self.statuses[-1].state if self.statuses else None


@dataclass(frozen=True)
class DetailGenerators:
    """Functions that build a PR's or a repository's details on demand (injected to avoid import cycles)."""

    files: Callable[[SyntheticOrg, PullRequest], tuple[ChangedFile, ...]]
    check_runs: Callable[[SyntheticOrg, PullRequest, int | None], tuple[CheckRun, ...]]
    issue_comments: Callable[[SyntheticOrg, PullRequest], tuple[IssueComment, ...]]
    review_comments: Callable[[SyntheticOrg, PullRequest], tuple[ReviewComment, ...]]
    issue_events: Callable[[SyntheticOrg, PullRequest], tuple[IssueEvent, ...]]
    repository_graph: Callable[[SyntheticOrg, Repository], Any]


@dataclass(slots=True)
class SyntheticOrg:
    """A whole generated organisation; `commits()` builds a PR's commits on demand (and caches a few)."""

    login: str
    id: int
    node_id: str
    name: str
    created_at: dt.datetime
    seed: int
    start: dt.date
    until: dt.date
    as_of: dt.datetime
    engineers: tuple[Account, ...]
    bots: tuple[Account, ...]
    system_accounts: tuple[Account, ...]
    teams: tuple[Team, ...]
    repositories: tuple[Repository, ...]
    pulls_by_repo: dict[str, tuple[PullRequest, ...]]
    commit_factory: Callable[[SyntheticOrg, PullRequest], tuple[Commit, ...]] = field(
        repr=False, compare=False
    )
    deployments_by_repo: dict[str, tuple[Deployment, ...]] = field(default_factory=dict)
    # repositories deploying by workflow runs or releases: (style, deployments); pipeline_deployments.py
    pipeline_deployments_by_repo: dict[str, tuple[str, tuple[Deployment, ...]]] = field(default_factory=dict)
    generators: DetailGenerators | None = field(default=None, repr=False, compare=False)
    issue_book: Any = field(default=None, repr=False, compare=False)  # issue_generator.issue_book builds it
    posted_comments: PostedComments = field(default_factory=PostedComments, repr=False, compare=False)
    _accounts: dict[str, Account] = field(default_factory=dict, repr=False, compare=False)
    _repos: dict[str, Repository] = field(default_factory=dict, repr=False, compare=False)
    _pull_index: dict[str, dict[int, PullRequest]] = field(default_factory=dict, repr=False, compare=False)
    _commit_cache: dict[tuple[str, int], tuple[Commit, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _commit_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _detail_cache: dict[tuple[str, str, object], Any] = field(default_factory=dict, repr=False, compare=False)
    _detail_lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def __post_init__(self) -> None:
        for account in (*self.engineers, *self.bots, *self.system_accounts):
            self._accounts[account.login.lower()] = account
        self._repos.update({repo.name.lower(): repo for repo in self.repositories})
        self._pull_index.update(
            {name.lower(): {pr.number: pr for pr in pulls} for name, pulls in self.pulls_by_repo.items()}
        )

    # Lookups are case-insensitive, like GitHub's.
    def account(self, login: str) -> Account | None:
        return self._accounts.get(login.lower())

    def repository(self, name: str) -> Repository | None:
        return self._repos.get(name.lower())

    def pulls(self, repo: str) -> tuple[PullRequest, ...]:
        repository = self.repository(repo)
        return self.pulls_by_repo[repository.name] if repository else ()

    def pull(self, repo: str, number: int) -> PullRequest | None:
        return self._pull_index.get(repo.lower(), {}).get(number)

    def all_pulls(self) -> Iterator[PullRequest]:
        for repo in self.repositories:
            yield from self.pulls_by_repo[repo.name]

    def members(self) -> tuple[Account, ...]:
        """Current org members: engineers whose accounts still exist (bots are not members)."""
        return tuple(acc for acc in self.engineers if not acc.deleted)

    def commits(self, pr: PullRequest) -> tuple[Commit, ...]:
        """All commits of a PR in push order (the REST endpoint caps the list at 250)."""
        key = (pr.repo, pr.number)
        with self._commit_lock:  # the server's thread and the caller's may both ask
            cached = self._commit_cache.get(key)
            if cached is None:
                cached = self.commit_factory(self, pr)
                if len(self._commit_cache) >= 512:
                    self._commit_cache.pop(next(iter(self._commit_cache)))
                self._commit_cache[key] = cached
            return cached

    # ----- details generated on demand (deterministic, cached) -----
    def _detail(self, kind: str, repo: str, key: object, build: Callable[[], Any], keep: int = 4096) -> Any:
        cache_key = (kind, repo, key)
        with self._detail_lock:
            cached = self._detail_cache.get(cache_key)
            if cached is None:
                cached = build()
                if len(self._detail_cache) >= keep:
                    self._detail_cache.pop(next(iter(self._detail_cache)))
                self._detail_cache[cache_key] = cached
            return cached

    def _generators(self) -> DetailGenerators:
        if self.generators is None:
            raise RuntimeError("this org was built without detail generators (use generate_org)")
        return self.generators

    def files(self, pr: PullRequest) -> tuple[ChangedFile, ...]:
        """The PR's changed files: as many as `changed_files`, adding up to `additions` and `deletions`."""
        make = self._generators().files
        return self._detail("files", pr.repo, pr.number, lambda: make(self, pr))

    def add_comment(self, comment: IssueComment) -> PullRequest:
        """A conversation comment written to a pull request now: kept, listed after the generated ones, and,
        as on GitHub, the pull request (and so its issue) counts it and is updated at the comment's time."""
        with self._detail_lock:
            pr = self.pull(comment.repo, comment.number)
            if pr is None:
                raise KeyError(f"no pull request {comment.repo}#{comment.number}")
            touched = dataclasses.replace(
                pr, updated_at=max(pr.updated_at, comment.updated_at), comments=pr.comments + 1
            )
            pulls = self.pulls_by_repo[pr.repo]
            self.pulls_by_repo[pr.repo] = tuple(touched if p is pr else p for p in pulls)
            self._pull_index[pr.repo.lower()][pr.number] = touched
            self.posted_comments.add(pr.repo, pr.number, comment)  # last: it bumps the revision
            return touched

    @property
    def revision(self) -> int:
        """Changes whenever the org does after generation (a comment posted or the posted ones cleared):
        lists and indexes derived from it are built again (``org/revisions.py``)."""
        return self.posted_comments.revision

    def issue_comments(self, pr: PullRequest) -> tuple[IssueComment, ...]:
        """The conversation, oldest first (`comments` of them)."""
        make = self._generators().issue_comments
        generated = self._detail("issue_comments", pr.repo, pr.number, lambda: make(self, pr))
        return generated + self.posted_comments.of(pr.repo, pr.number)

    def review_comments(self, pr: PullRequest) -> tuple[ReviewComment, ...]:
        """Inline comments and their replies, oldest first (`review_comments` of them)."""
        make = self._generators().review_comments
        return self._detail("review_comments", pr.repo, pr.number, lambda: make(self, pr))

    def issue_events(self, pr: PullRequest) -> tuple[IssueEvent, ...]:
        """Timeline events (labels, review requests, draft toggles, merge, close, branch deletion)."""
        make = self._generators().issue_events
        return self._detail("issue_events", pr.repo, pr.number, lambda: make(self, pr))

    def check_runs_for(self, pr: PullRequest, commit_index: int | None) -> tuple[CheckRun, ...]:
        """Check runs on the PR's `commit_index`-th commit (None: its merge commit on the default branch).

        Only pushed tips have runs: the head when the PR was opened and each later push."""
        make = self._generators().check_runs
        return self._detail(
            "check_runs", pr.repo, (pr.number, commit_index), lambda: make(self, pr, commit_index)
        )

    def repository_graph(self, repo: str) -> Any:
        """The repository's commit graph (`git_graph.RepositoryGraph`): history, refs, compare."""
        repository = self.repository(repo)
        if repository is None:
            raise KeyError(repo)
        make = self._generators().repository_graph
        return self._detail("graph", repository.name, None, lambda: make(self, repository))

    def default_branch_commits(self, repo: str) -> tuple[Commit, ...]:
        """The default branch oldest first: a baseline commit, then one squash commit per merged PR."""
        return tuple(self.repository_graph(repo).commits)

    def check_runs(self, repo: str, ref: str) -> tuple[CheckRun, ...] | None:
        """Check runs on the commit `ref` (a SHA or branch name) resolves to; None for an unknown ref."""
        return self.repository_graph(repo).check_runs(ref)

    def deployments(self, repo: str) -> tuple[Deployment, ...]:
        """Deployments of the repository, oldest first."""
        repository = self.repository(repo)
        return self.deployments_by_repo.get(repository.name, ()) if repository else ()

    def fingerprint(self, include_commits: bool = False) -> str:
        """A digest of everything generated, for determinism checks."""
        digest = hashlib.sha256()
        for part in (self.login, self.as_of, self.engineers, self.bots, self.teams, self.repositories):
            digest.update(repr(part).encode())
        for pr in self.all_pulls():
            digest.update(repr(pr).encode())
            if include_commits:
                digest.update(repr(self.commits(pr)).encode())
        for repo in self.repositories:
            digest.update(repr(self.deployments(repo.name)).encode())
        return digest.hexdigest()
