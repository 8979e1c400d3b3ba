"""The synthetic organisation as plain, immutable records.

These records are the sandbox's ground truth: the REST emulator renders them in GitHub's shapes, and tests
compare what the product loaded against them (for instance `PullRequest.ai_tools` or `jira_key`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


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
    members: tuple[str, ...]


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

    @property
    def state(self) -> str:
        return "open" if self.closed_at is None else "closed"

    @property
    def merged(self) -> bool:
        return self.merged_at is not None

    @property
    def commit_count(self) -> int:
        return self.commit_plan.count


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
    _accounts: dict[str, Account] = field(default_factory=dict, repr=False, compare=False)
    _repos: dict[str, Repository] = field(default_factory=dict, repr=False, compare=False)
    _pull_index: dict[str, dict[int, PullRequest]] = field(default_factory=dict, repr=False, compare=False)
    _commit_cache: dict[tuple[str, int], tuple[Commit, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _commit_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

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

    def fingerprint(self, include_commits: bool = False) -> str:
        """A digest of everything generated, for determinism checks."""
        digest = hashlib.sha256()
        for part in (self.login, self.as_of, self.engineers, self.bots, self.teams, self.repositories):
            digest.update(repr(part).encode())
        for pr in self.all_pulls():
            digest.update(repr(pr).encode())
            if include_commits:
                digest.update(repr(self.commits(pr)).encode())
        return digest.hexdigest()
