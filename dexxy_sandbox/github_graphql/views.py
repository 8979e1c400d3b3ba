"""What GraphQL resolvers hand each other: views of model records, connections, and per-server state.

Model records (`org.model`) are immutable and do not know their pull request; the views here pair a record
with the PR whose URLs and ids it needs. `Connection` is one page of a list, sliced with opaque cursors
(`cursors`); `GraphData` holds the org, its web links and caches shared by all requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dexxy_sandbox.github_graphql.cost import QueryCost
from dexxy_sandbox.github_graphql.cursors import (
    InvalidCursorError,
    encode_cursor,
    encode_search_cursor,
    page_window,
)
from dexxy_sandbox.github_graphql.search import SEARCH_RESULT_CAP
from dexxy_sandbox.github_graphql.timeline import TimelineEvent
from dexxy_sandbox.github_rest.payloads import GitHubPayloads
from dexxy_sandbox.org.github_ids import stable_sha
from dexxy_sandbox.org.model import Account, Commit, PullRequest, Repository, Review, SyntheticOrg
from dexxy_sandbox.org.revisions import PerRevision
from dexxy_sandbox.rate_limit import RateWindow

WEB_FLOW = ("GitHub", "noreply@github.com", "web-flow")


class GitHubGraphQLError(Exception):
    """An error GitHub reports with a `type` (NOT_FOUND, INVALID_CURSOR_ARGUMENTS...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


# ----- views -----
@dataclass(frozen=True, slots=True)
class ReviewView:
    pr: PullRequest
    review: Review


@dataclass(frozen=True, slots=True)
class CommitView:
    """A commit seen from a PR: `index` is its position among the PR's commits, None for any other."""

    pr: PullRequest
    commit: Commit
    index: int | None = None
    merge: bool = False  # the squash commit the PR left on its base branch


@dataclass(frozen=True, slots=True)
class PullRequestCommitView:
    pr: PullRequest
    commit: Commit
    index: int


@dataclass(frozen=True, slots=True)
class GitActorView:
    name: str
    email: str
    date: dt.datetime
    login: str | None


@dataclass(frozen=True, slots=True)
class RecordView:
    """A file, check run or comment of the model, with the PR it belongs to; `kind` is its GraphQL type."""

    kind: str  # "IssueComment", "PullRequestReviewComment", "PullRequestChangedFile" or "CheckRun"
    pr: PullRequest
    record: Any
    commit: CommitView | None = None  # check runs: the commit they ran on


@dataclass(frozen=True, slots=True)
class CheckSuiteView:
    commit: CommitView
    app: str  # the GitHub App's slug
    id: int
    runs: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class StatusCheckRollupView:
    """A commit's rollup: its latest check runs (the sandbox sets no commit statuses)."""

    commit: CommitView
    runs: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class ReviewThreadView:
    pr: PullRequest
    comments: tuple[Any, ...]  # review comments, the thread's first one first


@dataclass(frozen=True, slots=True)
class RefView:
    name: str
    repo: Repository


@dataclass(frozen=True, slots=True)
class LabelView:
    repo: str
    payload: dict[str, Any]  # the REST label object (ids, colour and description match REST)


@dataclass(frozen=True, slots=True)
class AppView:
    slug: str


@dataclass(frozen=True, slots=True)
class RateLimitView:
    cost: int
    limit: int
    nodeCount: int
    remaining: int
    resetAt: str
    used: int


# ----- connections -----
@dataclass
class PageInfo:
    startCursor: str | None
    endCursor: str | None
    hasNextPage: bool
    hasPreviousPage: bool


@dataclass
class Edge:
    cursor: str
    node: Any


class Connection:
    """One page of a list; `count` lets `totalCount` be known without building the list (`items` lazy)."""

    def __init__(
        self,
        items: Sequence[Any] | Callable[[], Sequence[Any]],
        args: dict[str, Any],
        count: int | None = None,
        cursor: Callable[[int], str] = encode_cursor,
        total: int | None = None,
    ) -> None:
        self._items = items
        self._cursor = cursor
        if count is None:
            assert not callable(items), "a lazy list needs its count"
            count = len(items)
        try:
            first, last = args.get("first"), args.get("last")
            self.window = page_window(count, first, args.get("after"), last, args.get("before"))
        except InvalidCursorError as error:
            raise GitHubGraphQLError("INVALID_CURSOR_ARGUMENTS", str(error)) from None
        self.totalCount = count if total is None else total

    def _page(self) -> list[Any]:
        items = self._items() if callable(self._items) else self._items
        return list(items[self.window.start : self.window.end])

    @property
    def nodes(self) -> list[Any]:
        return self._page()

    @property
    def edges(self) -> list[Edge]:
        return [Edge(self._cursor(self.window.start + i), node) for i, node in enumerate(self._page())]

    @property
    def pageInfo(self) -> PageInfo:
        window = self.window
        empty = window.size == 0
        return PageInfo(
            startCursor=None if empty else self._cursor(window.start),
            endCursor=None if empty else self._cursor(window.end - 1),
            hasNextPage=window.has_next_page,
            hasPreviousPage=window.has_previous_page,
        )


class SearchResults(Connection):
    """A search page: only the first SEARCH_RESULT_CAP results are reachable, `issueCount` counts them all."""

    def __init__(self, found: Sequence[PullRequest], args: dict[str, Any], kind: str) -> None:
        super().__init__(found[:SEARCH_RESULT_CAP], args, cursor=encode_search_cursor)
        self.issueCount = len(found) if kind == "ISSUE" else 0
        self.codeCount = self.discussionCount = self.repositoryCount = self.userCount = self.wikiCount = 0


class TimelineItems(Connection):
    def __init__(self, nodes: Sequence[Any], args: dict[str, Any], skip: int, updated: dt.datetime) -> None:
        super().__init__(nodes[skip:], args, total=len(nodes))
        self.filteredCount = len(nodes)
        self.pageCount = self.window.size
        self.updatedAt = updated


# ----- shared state -----
@dataclass
class GraphData:
    """Per-server state shared by all requests: the org, its links and caches."""

    org: SyntheticOrg
    api_root: str
    web_root: str
    payloads: GitHubPayloads = field(init=False)
    # search results and sorted lists, rebuilt when the org changes (a comment posted moves a pull request in
    # the `UPDATED_AT` orders and `updated:` searches)
    cache: PerRevision[Any] = field(init=False)
    _nodes: tuple[int, dict[str, Any]] | None = None  # (org revision, index)
    # the `vanish_rate` fault: (repo, number) of a pull request deleted since the search index saw it
    vanished: Callable[[str, int], bool] = lambda repo, number: False

    def __post_init__(self) -> None:
        self.web_root = self.web_root.rstrip("/")
        self.payloads = GitHubPayloads(self.org, self.api_root, self.web_root)
        self.cache = PerRevision(lambda: self.org.revision, size=128)

    @property
    def viewer(self) -> Account:
        """The token's owner: the first org member, as the REST emulator reports it."""
        members = self.org.members()
        return members[0] if members else self.org.engineers[0]

    def repo_url(self, repo: str) -> str:
        return f"{self.web_root}/{self.org.login}/{repo}"

    def pr_path(self, pr: PullRequest) -> str:
        return f"/{self.org.login}/{pr.repo}/pull/{pr.number}"

    def pr_url(self, pr: PullRequest) -> str:
        return self.web_root + self.pr_path(pr)

    def actor(self, login: str | None) -> Account | None:
        """The account behind a login; deleted accounts show as `ghost`, as GitHub's GraphQL API does."""
        if login is None:
            return None
        account = self.org.account(login)
        if account is not None and account.deleted:
            return self.org.account("ghost")
        return account

    def association(self, login: str) -> str:
        """CommentAuthorAssociation, as REST's `author_association`."""
        account = self.org.account(login)
        if account is None or account.deleted:
            return "NONE"
        return "MEMBER" if account.is_engineer else "CONTRIBUTOR"

    def avatar(self, user_id: int, size: int | None = None) -> str:
        url = f"{self.web_root}/avatars/u/{user_id}?v=4"
        return f"{url}&s={size}" if size else url

    def node_index(self) -> dict[str, Any]:
        """Objects by global id, for `node(id:)` (built on first use and again when the org changed)."""
        revision = self.org.revision  # read before building: a change while building rebuilds next time
        if self._nodes is None or self._nodes[0] != revision:
            index: dict[str, Any] = {self.org.node_id: self.org}
            for account in (*self.org.engineers, *self.org.bots, *self.org.system_accounts):
                if not account.deleted:
                    index[account.node_id] = account
            for repo in self.org.repositories:
                index[repo.node_id] = repo
            for pr in self.org.all_pulls():
                index[pr.node_id] = pr
                for review in pr.reviews:
                    index[review.node_id] = ReviewView(pr, review)
            from dexxy_sandbox.github_graphql.issues import node_entries  # issues.py builds on this module

            index.update(node_entries(self))  # issues and discussions (a deleted discussion: absent)
            self._nodes = (revision, index)
        return self._nodes[1]

    def labels(self, pr: PullRequest) -> list[LabelView]:
        if not pr.labels:
            return []
        payload = self.payloads.pull_simple(pr)
        return [LabelView(pr.repo, label) for label in payload["labels"]]  # type: ignore[union-attr]

    # ----- commits -----
    def pr_commit(self, pr: PullRequest, index: int) -> CommitView:
        return CommitView(pr, self.org.commits(pr)[index], index)

    def merge_commit(self, pr: PullRequest) -> CommitView | None:
        """The squash commit a merged PR left on its base branch (null for unmerged PRs, as on GitHub)."""
        if pr.merged_at is None or pr.merge_commit_sha is None:
            return None
        commit = self._default_branch_commit(pr.repo, pr.merge_commit_sha)
        if commit is None:
            author = self.org.account(pr.author)
            commit = Commit(
                sha=pr.merge_commit_sha,
                tree_sha=stable_sha("merge-tree", pr.merge_commit_sha),
                parent_sha=pr.base_sha,
                message=f"{pr.title} (#{pr.number})",
                author_name=(author.name or author.login) if author else pr.author,
                author_email=(author.email or "") if author else "",
                author_login=None if author is None or author.deleted else author.login,
                authored_at=pr.merged_at,
                committer_name=WEB_FLOW[0],
                committer_email=WEB_FLOW[1],
                committer_login=WEB_FLOW[2],
                committed_at=pr.merged_at,
                verified=True,
            )
        return CommitView(pr, commit, None, merge=True)

    def _default_branch_commit(self, repo: str, sha: str) -> Commit | None:
        if getattr(self.org, "generators", None) is None or not hasattr(self.org, "default_branch_commits"):
            return None
        by_sha = self.cache.get(
            ("default-branch", repo), lambda: {c.sha: c for c in self.org.default_branch_commits(repo)}
        )
        return by_sha.get(sha)

    def commit_by_sha(self, pr: PullRequest, sha: str) -> CommitView:
        """A commit the PR refers to by SHA: one of its own, its merge commit, or a base-branch commit."""
        for index, commit in enumerate(self.org.commits(pr)):
            if commit.sha == sha:
                return CommitView(pr, commit, index)
        merge = self.merge_commit(pr)
        if merge is not None and merge.commit.sha == sha:
            return merge
        found = self._default_branch_commit(pr.repo, sha)
        if found is not None:
            return CommitView(pr, found)
        at = pr.commit_plan.first_commit_at - dt.timedelta(hours=1)
        stand_in = Commit(
            sha=sha,
            tree_sha=stable_sha("tree", sha),
            parent_sha=stable_sha("parent", sha),
            message=f"Merge branch '{pr.base_ref}'",
            author_name=WEB_FLOW[0],
            author_email=WEB_FLOW[1],
            author_login=WEB_FLOW[2],
            authored_at=at,
            committer_name=WEB_FLOW[0],
            committer_email=WEB_FLOW[1],
            committer_login=WEB_FLOW[2],
            committed_at=at,
            verified=True,
        )
        return CommitView(pr, stand_in)


@dataclass
class RequestContext:
    """What one request's resolvers see: the shared data plus this request's cost and rate-limit window."""

    data: GraphData
    cost: QueryCost
    window: RateWindow


_VIEW_TYPES: dict[type, str] = {
    SyntheticOrg: "Organization",
    Repository: "Repository",
    PullRequest: "PullRequest",
    ReviewView: "PullRequestReview",
    CommitView: "Commit",
    PullRequestCommitView: "PullRequestCommit",
    CheckSuiteView: "CheckSuite",
    StatusCheckRollupView: "StatusCheckRollup",
    ReviewThreadView: "PullRequestReviewThread",
    RefView: "Ref",
    LabelView: "Label",
    AppView: "App",
}

EVENT_TYPES = {  # PullRequestTimelineItemsItemType -> GraphQL type of the event
    "READY_FOR_REVIEW_EVENT": "ReadyForReviewEvent",
    "CONVERT_TO_DRAFT_EVENT": "ConvertToDraftEvent",
    "REVIEW_REQUESTED_EVENT": "ReviewRequestedEvent",
    "MERGED_EVENT": "MergedEvent",
    "CLOSED_EVENT": "ClosedEvent",
    "HEAD_REF_DELETED_EVENT": "HeadRefDeletedEvent",
    "LABELED_EVENT": "LabeledEvent",
    "ASSIGNED_EVENT": "AssignedEvent",
}


def type_of(value: Any, info: Any, abstract: Any) -> str:
    """The GraphQL object type of a resolved value (for interfaces and unions)."""
    if isinstance(value, Account):
        return "Bot" if value.type == "Bot" else "User"
    if isinstance(value, TimelineEvent):
        return EVENT_TYPES[value.kind]
    if isinstance(value, RecordView):
        return value.kind
    named = getattr(value, "graphql_type", None)  # issue and discussion views (issues.py)
    return named if isinstance(named, str) else _VIEW_TYPES[type(value)]
