"""Resolvers: the synthetic org rendered through the GitHub GraphQL schema (`executable_schema()`).

They read the immutable org model directly; shapes follow github.com:

- `id` is the REST `node_id` (legacy global ids), `databaseId` the REST `id`, `url` the web (`html_url`) link;
- a deleted account's work is authored by the `ghost` user (GraphQL never answers `author: null` for them);
- a bot's `login` has no `[bot]` suffix (`dependabot`), unlike REST's `dependabot[bot]`;
- `PullRequest.body` is `""` where REST says `null`; `state` is OPEN, CLOSED or MERGED;
- `PullRequest.commits` lists at most 250 commits, like REST, while its `totalCount` is the true count;
- `mergeCommit` is the squash commit of a merged PR and null otherwise;
- `Repository.pullRequests` is ordered by creation, oldest first, unless `orderBy` says otherwise.

A PR's files, checks, comments and timeline are resolved in `details`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from graphql import (
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
)

from dexxy_sandbox.github_graphql.defaults import serve_all
from dexxy_sandbox.github_graphql.deployments import bind_deployment_resolvers
from dexxy_sandbox.github_graphql.details import (
    DETAIL_BINDINGS,
    commit_check_suites,
    commit_status_rollup,
    pr_comments,
    pr_files,
    pr_review_threads,
    pr_timeline_items,
    review_comments_of,
)
from dexxy_sandbox.github_graphql.issues import bind_issue_resolvers
from dexxy_sandbox.github_graphql.official_schema import SharedSchema
from dexxy_sandbox.github_graphql.schema import build_github_schema
from dexxy_sandbox.github_graphql.search import search_pulls
from dexxy_sandbox.github_graphql.teams import bind_team_resolvers
from dexxy_sandbox.github_graphql.views import (
    WEB_FLOW,
    CommitView,
    Connection,
    GitActorView,
    GitHubGraphQLError,
    GraphData,
    PullRequestCommitView,
    RateLimitView,
    RefView,
    RequestContext,
    ReviewView,
    SearchResults,
    iso,
    type_of,
)
from dexxy_sandbox.org.github_ids import legacy_node_id
from dexxy_sandbox.org.model import Account, PullRequest, Repository, Review, SyntheticOrg

PR_COMMITS_CAP = 250  # GitHub lists at most 250 commits of a pull request, over REST and GraphQL alike

Resolver = Callable[..., Any]


def _data(info: GraphQLResolveInfo) -> GraphData:
    return info.context.data


# ----- Query -----
def _repository(root: Any, info: GraphQLResolveInfo, owner: str, name: str, **_: Any) -> Repository:
    data = _data(info)
    repo = data.org.repository(name) if owner.lower() == data.org.login.lower() else None
    if repo is None:
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to a Repository with the name '{owner}/{name}'."
        )
    return repo


def _organization(root: Any, info: GraphQLResolveInfo, login: str) -> SyntheticOrg:
    data = _data(info)
    if login.lower() != data.org.login.lower():
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to an Organization with the login of '{login}'."
        )
    return data.org


def _user(root: Any, info: GraphQLResolveInfo, login: str) -> Account:
    account = _data(info).org.account(login)
    if account is None or account.deleted or account.type != "User":
        raise GitHubGraphQLError("NOT_FOUND", f"Could not resolve to a User with the login of '{login}'.")
    return account


def _repository_owner(root: Any, info: GraphQLResolveInfo, login: str) -> Account | SyntheticOrg | None:
    """The org or a user by login; null (no error, as on GitHub) for anyone else."""
    data = _data(info)
    if login.lower() == data.org.login.lower():
        return data.org
    account = data.org.account(login)
    return account if account is not None and not account.deleted and account.type == "User" else None


def _node(root: Any, info: GraphQLResolveInfo, id: str) -> Any:
    found = _data(info).node_index().get(id)
    if found is None:
        raise GitHubGraphQLError("NOT_FOUND", f"Could not resolve to a node with the global id of '{id}'")
    return found


def _nodes(root: Any, info: GraphQLResolveInfo, ids: list[str]) -> list[Any]:
    if len(ids) > 100:
        raise GitHubGraphQLError(
            "EXCESSIVE_PAGINATION", "You may not request more than 100 node ids at once."
        )
    index = _data(info).node_index()
    return [index.get(node_id) for node_id in ids]


def _rate_limit(root: Any, info: GraphQLResolveInfo, dryRun: bool = False) -> RateLimitView:
    request: RequestContext = info.context
    window = request.window
    reset = iso(dt.datetime.fromtimestamp(window.reset, dt.UTC)) or ""
    return RateLimitView(
        request.cost.cost, window.limit, request.cost.node_count, window.remaining, reset, window.used
    )


def _search(root: Any, info: GraphQLResolveInfo, query: str, type: str, **args: Any) -> SearchResults:
    """Issue search over the PRs (the org has no issues); other search types find nothing."""
    data = _data(info)
    found: list[PullRequest] = []
    if type == "ISSUE":
        found = data.cache.get(("search", query), lambda: search_pulls(data.org, query))
    # a vanished pull request is still indexed: its hit resolves to null with a NOT_FOUND error
    hits = [_unresolvable(pr) if data.vanished(pr.repo, pr.number) else pr for pr in found]
    return SearchResults(hits, args, type)


def _unresolvable(pr: PullRequest) -> GitHubGraphQLError:
    """Returned in place of a node, it becomes that item's null and its error (graphql-core raises it)."""
    message = f"Could not resolve to a node with the global id of '{pr.node_id}'"
    return GitHubGraphQLError("NOT_FOUND", message)


QUERY: dict[str, Resolver] = {
    "node": _node,
    "nodes": _nodes,
    "organization": _organization,
    "rateLimit": _rate_limit,
    "relay": lambda root, info: root,  # GitHub's workaround for Relay Classic: the query root again
    "repository": _repository,
    "repositoryOwner": _repository_owner,
    "search": _search,
    "user": _user,
    "viewer": lambda root, info: _data(info).viewer,
}


# ----- accounts and the organisation -----
def _login(account: Account) -> str:
    return account.login.removesuffix("[bot]") if account.type == "Bot" else account.login


def _account_path(account: Account) -> str:
    return f"/apps/{_login(account)}" if account.type == "Bot" else f"/{account.login}"


ACCOUNT: dict[str, Resolver] = {
    "avatarUrl": lambda a, info, size=None: _data(info).avatar(a.id, size),
    "company": lambda a, info: a.company,
    "createdAt": lambda a, info: a.created_at,
    "databaseId": lambda a, info: a.id,
    "email": lambda a, info: a.public_email or "",
    "id": lambda a, info: a.node_id,
    "isSiteAdmin": lambda a, info: False,  # nobody in the synthetic org is staff at GitHub
    "location": lambda a, info: a.location,
    "login": lambda a, info: _login(a),
    "name": lambda a, info: a.name,
    "repository": lambda a, info, **_: None,
    "resourcePath": lambda a, info: _account_path(a),
    "updatedAt": lambda a, info: max(a.created_at, _data(info).org.as_of - dt.timedelta(days=a.id % 40)),
    "url": lambda a, info: _data(info).web_root + _account_path(a),
}


def _org_repositories(org: SyntheticOrg, info: GraphQLResolveInfo, **args: Any) -> Connection:
    repos = list(org.repositories)
    if (
        args.get("isFork")
        or args.get("isArchived")
        or args.get("isLocked")
        or args.get("hasIssuesEnabled") is False
    ):
        repos = []
    if args.get("visibility"):
        repos = [r for r in repos if r.visibility.upper() == args["visibility"]]
    return Connection(repos, args)


ORGANIZATION: dict[str, Resolver] = {
    "avatarUrl": lambda o, info, size=None: _data(info).avatar(o.id, size),
    "createdAt": lambda o, info: o.created_at,
    "databaseId": lambda o, info: o.id,
    "description": lambda o, info: "Synthetic organisation served by the Dexxy sandbox",
    "id": lambda o, info: o.node_id,
    "login": lambda o, info: o.login,
    "name": lambda o, info: o.name,
    "repositories": _org_repositories,
    "repository": lambda o, info, name, **_: o.repository(name),
    "resourcePath": lambda o, info: f"/{o.login}",
    "updatedAt": lambda o, info: o.as_of,
    "url": lambda o, info: f"{_data(info).web_root}/{o.login}",
}


# ----- repositories -----
def _pr_state(pr: PullRequest) -> str:
    if pr.merged_at is not None:
        return "MERGED"
    return "CLOSED" if pr.closed_at is not None else "OPEN"


_PR_ORDER: dict[str, Callable[[PullRequest], Any]] = {
    "CREATED_AT": lambda pr: (pr.created_at, pr.number),
    "UPDATED_AT": lambda pr: (pr.updated_at, pr.number),
    "COMMENTS": lambda pr: (pr.comments, pr.number),
}


def _pull_requests(repo: Repository, info: GraphQLResolveInfo, **args: Any) -> Connection:
    data = _data(info)
    states = tuple(sorted(args.get("states") or ()))
    order = args.get("orderBy") or {}
    field_name, direction = order.get("field", "CREATED_AT"), order.get("direction", "ASC")
    labels = frozenset(args.get("labels") or ())
    head, base = args.get("headRefName"), args.get("baseRefName")

    def build() -> list[PullRequest]:
        pulls = [
            pr
            for pr in data.org.pulls(repo.name)
            if (not states or _pr_state(pr) in states)
            and (not labels or labels & set(pr.labels))
            and (head is None or pr.head_ref == head)
            and (base is None or pr.base_ref == base)
        ]
        return sorted(pulls, key=_PR_ORDER[field_name], reverse=direction == "DESC")

    key = ("pulls", repo.name, states, field_name, direction, labels, head, base)
    return Connection(data.cache.get(key, build), args)


def _pull_request(repo: Repository, info: GraphQLResolveInfo, number: int) -> PullRequest:
    pr = _data(info).org.pull(repo.name, number)
    if pr is None or _data(info).vanished(repo.name, number):
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to a PullRequest with the number of {number}."
        )
    return pr


def _object(
    repo: Repository, info: GraphQLResolveInfo, oid: str | None = None, expression: str | None = None
) -> CommitView | None:
    """A commit by oid (or by a SHA or branch name as `expression`); null when the repository has none."""
    data = _data(info)
    graph = data.org.repository_graph(repo.name)
    position = graph.resolve(oid or expression or "")
    if position is None:
        return None
    if position.main_index is not None:
        merged = graph.merged_pull(position)
        return data.merge_commit(merged) if merged is not None else None
    return CommitView(position.pr, graph.commit(position), position.commit_index)


REPOSITORY: dict[str, Resolver] = {
    "createdAt": lambda r, info: r.created_at,
    "databaseId": lambda r, info: r.id,
    "defaultBranchRef": lambda r, info: RefView(r.default_branch, r),
    "description": lambda r, info: r.description,
    "id": lambda r, info: r.node_id,
    "isArchived": lambda r, info: False,
    "isFork": lambda r, info: False,
    "isPrivate": lambda r, info: r.private,
    "name": lambda r, info: r.name,
    "nameWithOwner": lambda r, info: f"{_data(info).org.login}/{r.name}",
    "object": _object,
    "owner": lambda r, info: _data(info).org,
    "pullRequest": _pull_request,
    "pullRequests": _pull_requests,
    "pushedAt": lambda r, info: r.pushed_at,
    "resourcePath": lambda r, info: f"/{_data(info).org.login}/{r.name}",
    "updatedAt": lambda r, info: r.updated_at,
    "url": lambda r, info: _data(info).repo_url(r.name),
    "visibility": lambda r, info: r.visibility.upper(),
}

REF: dict[str, Resolver] = {
    "id": lambda ref, info: legacy_node_id("Ref", f"{ref.repo.id}:refs/heads/{ref.name}"),
    "name": lambda ref, info: ref.name,
    "prefix": lambda ref, info: "refs/heads/",
    "repository": lambda ref, info: ref.repo,
    "target": lambda ref, info: _object(ref.repo, info, expression=ref.name),
}


# ----- pull requests -----
def _review_decision(pr: PullRequest) -> str:
    latest: dict[str, str] = {}
    for review in sorted(pr.reviews, key=lambda r: r.submitted_at):
        if review.state in ("APPROVED", "CHANGES_REQUESTED") and review.reviewer != pr.author:
            latest[review.reviewer] = review.state
    if "CHANGES_REQUESTED" in latest.values():
        return "CHANGES_REQUESTED"
    return "APPROVED" if "APPROVED" in latest.values() else "REVIEW_REQUIRED"


def _labels(pr: PullRequest, info: GraphQLResolveInfo, **args: Any) -> Connection:
    return Connection(lambda: _data(info).labels(pr), args, count=len(pr.labels))


def _reviews(pr: PullRequest, info: GraphQLResolveInfo, **args: Any) -> Connection:
    reviews: Sequence[Review] = pr.reviews
    if args.get("author"):
        author = args["author"].lower().removesuffix("[bot]")
        reviews = [r for r in reviews if r.reviewer.lower().removesuffix("[bot]") == author]
    if args.get("states"):
        reviews = [r for r in reviews if r.state in args["states"]]
    return Connection([ReviewView(pr, r) for r in reviews], args)


def _pr_commits(pr: PullRequest, info: GraphQLResolveInfo, **args: Any) -> Connection:
    org = _data(info).org

    def build() -> list[PullRequestCommitView]:
        return [PullRequestCommitView(pr, c, i) for i, c in enumerate(org.commits(pr)[:PR_COMMITS_CAP])]

    return Connection(build, args, count=min(pr.commit_count, PR_COMMITS_CAP), total=pr.commit_count)


PULL_REQUEST: dict[str, Resolver] = {
    "additions": lambda pr, info: pr.additions,
    "author": lambda pr, info: _data(info).actor(pr.author),
    "authorAssociation": lambda pr, info: _data(info).association(pr.author),
    "baseRefName": lambda pr, info: pr.base_ref,
    "baseRefOid": lambda pr, info: pr.base_sha,
    "baseRepository": lambda pr, info: _data(info).org.repository(pr.repo),
    "body": lambda pr, info: pr.body or "",
    "changedFiles": lambda pr, info: pr.changed_files,
    "closed": lambda pr, info: pr.closed_at is not None,
    "closedAt": lambda pr, info: pr.closed_at,
    "comments": pr_comments,
    "commits": _pr_commits,
    "createdAt": lambda pr, info: pr.created_at,
    "databaseId": lambda pr, info: pr.id,
    "deletions": lambda pr, info: pr.deletions,
    "files": pr_files,
    "fullDatabaseId": lambda pr, info: pr.id,
    "headRefName": lambda pr, info: pr.head_ref,
    "headRefOid": lambda pr, info: pr.head_sha,
    "headRepository": lambda pr, info: _data(info).org.repository(pr.repo),  # no forks in the org
    "id": lambda pr, info: pr.node_id,
    "isCrossRepository": lambda pr, info: False,
    "isDraft": lambda pr, info: pr.draft,
    "labels": _labels,
    "locked": lambda pr, info: False,
    "mergeCommit": lambda pr, info: _data(info).merge_commit(pr),
    "mergeable": lambda pr, info: {True: "MERGEABLE", False: "CONFLICTING"}.get(pr.mergeable, "UNKNOWN"),
    "merged": lambda pr, info: pr.merged_at is not None,
    "mergedAt": lambda pr, info: pr.merged_at,
    "mergedBy": lambda pr, info: _data(info).actor(pr.merged_by),
    "number": lambda pr, info: pr.number,
    "permalink": lambda pr, info: _data(info).pr_url(pr),
    "publishedAt": lambda pr, info: pr.created_at,
    "repository": lambda pr, info: _data(info).org.repository(pr.repo),
    "resourcePath": lambda pr, info: _data(info).pr_path(pr),
    "reviewDecision": lambda pr, info: _review_decision(pr),
    "reviewThreads": pr_review_threads,
    "reviews": _reviews,
    "state": lambda pr, info: _pr_state(pr),
    "timelineItems": pr_timeline_items,
    "title": lambda pr, info: pr.title,
    "totalCommentsCount": lambda pr, info: pr.comments + pr.review_comments,
    "updatedAt": lambda pr, info: pr.updated_at,
    "url": lambda pr, info: _data(info).pr_url(pr),
}

LABEL: dict[str, Resolver] = {
    "color": lambda label, info: label.payload["color"],
    "description": lambda label, info: label.payload["description"],
    "id": lambda label, info: label.payload["node_id"],
    "isDefault": lambda label, info: label.payload["default"],
    "name": lambda label, info: label.payload["name"],
    "url": lambda label, info: f"{_data(info).repo_url(label.repo)}/labels/{label.payload['name']}",
}


# ----- reviews -----
def _review_path(data: GraphData, view: ReviewView) -> str:
    return f"{data.pr_path(view.pr)}#pullrequestreview-{view.review.id}"


REVIEW: dict[str, Resolver] = {
    "author": lambda v, info: _data(info).actor(v.review.reviewer),
    "authorAssociation": lambda v, info: _data(info).association(v.review.reviewer),
    "body": lambda v, info: v.review.body,
    "comments": review_comments_of,
    "commit": lambda v, info: _data(info).commit_by_sha(v.pr, v.review.commit_id),
    "createdAt": lambda v, info: v.review.submitted_at,
    "databaseId": lambda v, info: v.review.id,
    "fullDatabaseId": lambda v, info: v.review.id,
    "id": lambda v, info: v.review.node_id,
    "publishedAt": lambda v, info: v.review.submitted_at,
    "pullRequest": lambda v, info: v.pr,
    "repository": lambda v, info: _data(info).org.repository(v.pr.repo),
    "resourcePath": lambda v, info: _review_path(_data(info), v),
    "state": lambda v, info: v.review.state,
    "submittedAt": lambda v, info: v.review.submitted_at,
    "updatedAt": lambda v, info: v.review.submitted_at,
    "url": lambda v, info: _data(info).web_root + _review_path(_data(info), v),
}


# ----- commits -----
def _parents(view: CommitView, info: GraphQLResolveInfo, **args: Any) -> Connection:
    return Connection([_data(info).commit_by_sha(view.pr, view.commit.parent_sha)], args)


def _commit_path(data: GraphData, view: CommitView) -> str:
    return f"/{data.org.login}/{view.pr.repo}/commit/{view.commit.sha}"


COMMIT: dict[str, Resolver] = {
    "abbreviatedOid": lambda v, info: v.commit.sha[:7],
    "author": lambda v, info: GitActorView(
        v.commit.author_name, v.commit.author_email, v.commit.authored_at, v.commit.author_login
    ),
    "authoredByCommitter": lambda v, info: v.commit.author_email == v.commit.committer_email,
    "authoredDate": lambda v, info: v.commit.authored_at,
    "checkSuites": commit_check_suites,
    "statusCheckRollup": commit_status_rollup,
    "commitResourcePath": lambda v, info: _commit_path(_data(info), v),
    "commitUrl": lambda v, info: _data(info).web_root + _commit_path(_data(info), v),
    "committedDate": lambda v, info: v.commit.committed_at,
    "committedViaWeb": lambda v, info: v.commit.committer_login == WEB_FLOW[2],
    "committer": lambda v, info: GitActorView(
        v.commit.committer_name, v.commit.committer_email, v.commit.committed_at, v.commit.committer_login
    ),
    "id": lambda v, info: legacy_node_id("Commit", v.commit.sha),
    "message": lambda v, info: v.commit.message,
    "messageBody": lambda v, info: v.commit.message.partition("\n")[2].strip("\n"),
    "messageHeadline": lambda v, info: v.commit.message.split("\n", 1)[0].strip(),
    "oid": lambda v, info: v.commit.sha,
    "parents": _parents,
    "repository": lambda v, info: _data(info).org.repository(v.pr.repo),
    "resourcePath": lambda v, info: _commit_path(_data(info), v),
    "url": lambda v, info: _data(info).web_root + _commit_path(_data(info), v),
}

PULL_REQUEST_COMMIT: dict[str, Resolver] = {
    "commit": lambda v, info: CommitView(v.pr, v.commit, v.index),
    "id": lambda v, info: legacy_node_id("PullRequestCommit", f"{v.pr.id}:{v.commit.sha}"),
    "pullRequest": lambda v, info: v.pr,
    "resourcePath": lambda v, info: f"{_data(info).pr_path(v.pr)}/commits/{v.commit.sha}",
    "url": lambda v, info: f"{_data(info).pr_url(v.pr)}/commits/{v.commit.sha}",
}


def _git_user(actor: GitActorView, info: GraphQLResolveInfo) -> Account | None:
    """The GitHub user an author or committer e-mail maps to (null, as on GitHub, when none does)."""
    account = _data(info).org.account(actor.login) if actor.login else None
    return account if account is not None and not account.deleted and account.type == "User" else None


def _git_avatar(actor: GitActorView, info: GraphQLResolveInfo, size: int | None = None) -> str:
    user = _git_user(actor, info)
    if user is not None:
        return _data(info).avatar(user.id, size)
    return f"{_data(info).web_root}/avatars/e/{actor.email}" + (f"?s={size}" if size else "")


GIT_ACTOR: dict[str, Resolver] = {
    "avatarUrl": _git_avatar,
    "date": lambda a, info: a.date,
    "email": lambda a, info: a.email,
    "name": lambda a, info: a.name,
    "user": _git_user,
}


# ----- the schema -----
def _serialize_datetime(value: Any) -> str:
    return (iso(value) or "") if isinstance(value, dt.datetime) else str(value)


def _bind(schema: GraphQLSchema, type_name: str, resolvers: dict[str, Resolver]) -> None:
    graphql_type = schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType), type_name
    for name, resolver in resolvers.items():
        if name in graphql_type.fields:
            graphql_type.fields[name].resolve = resolver


def _serialize_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return GraphQLInt.serialize(value)


WIDE_INT = GraphQLScalarType(
    "SandboxInt",  # renamed below: graphql-core refuses to construct a second scalar named Int
    serialize=_serialize_int,
    parse_value=GraphQLInt.parse_value,
    parse_literal=GraphQLInt.parse_literal,
    description=GraphQLInt.description,
)
WIDE_INT.name = "Int"


def _widen(graphql_type: GraphQLType) -> GraphQLType:
    if isinstance(graphql_type, GraphQLNonNull):
        return GraphQLNonNull(_widen(graphql_type.of_type))  # type: ignore[arg-type]
    if isinstance(graphql_type, GraphQLList):
        return GraphQLList(_widen(graphql_type.of_type))
    return WIDE_INT if graphql_type is GraphQLInt else graphql_type


def _widen_ints(schema: GraphQLSchema) -> None:
    """Let `Int` fields answer 64-bit ids, as GitHub's do (check run and comment `databaseId`s pass 2^31).

    GraphQL's own Int refuses values beyond 32 bits. The schema gets an `Int` of its own that serialises any
    integer (and still parses inputs as a 32-bit Int); GraphQL's shared Int scalar is left alone.
    """
    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field in named.fields.values():
                field.type = _widen(field.type)  # type: ignore[assignment]
                for argument in field.args.values():
                    argument.type = _widen(argument.type)  # type: ignore[assignment]
        elif isinstance(named, GraphQLInputObjectType):
            for input_field in named.fields.values():
                input_field.type = _widen(input_field.type)  # type: ignore[assignment]
    schema.type_map["Int"] = WIDE_INT


def _adapt_scalars(schema: GraphQLSchema) -> None:
    """DateTime and GitTimestamp serialise datetimes as GitHub does, BigInt as a string, Int up to 64 bits."""
    for name in ("DateTime", "GitTimestamp"):
        schema.type_map[name].serialize = _serialize_datetime  # type: ignore[attr-defined]
    schema.type_map["BigInt"].serialize = str  # type: ignore[attr-defined]
    _widen_ints(schema)


def executable_subset() -> GraphQLSchema:
    """The sandbox's hand-written subset with its resolvers bound (a new instance per call)."""
    schema = build_github_schema()
    bind_deployment_resolvers(schema)  # Repository.deployments and its types (deployments.py)
    bind_team_resolvers(schema)  # Organization.teams and its types (teams.py)
    bindings: dict[str, dict[str, Resolver]] = {
        "Query": QUERY,
        "User": ACCOUNT,
        "Bot": ACCOUNT,
        "Organization": ORGANIZATION,
        "Repository": REPOSITORY,
        "Ref": REF,
        "PullRequest": PULL_REQUEST,
        "Label": LABEL,
        "PullRequestReview": REVIEW,
        "PullRequestCommit": PULL_REQUEST_COMMIT,
        "Commit": COMMIT,
        "GitActor": GIT_ACTOR,
        **DETAIL_BINDINGS,
    }
    for type_name, resolvers in bindings.items():
        _bind(schema, type_name, resolvers)
    bind_issue_resolvers(schema)  # issues and discussions (issues.py), after the PRs' shared types
    abstract = ("Node", "Actor", "UniformResourceLocatable", "RepositoryOwner", "GitObject")
    unions = (
        "SearchResultItem",
        "PullRequestTimelineItems",
        "RequestedReviewer",
        "Assignee",
        "StatusCheckRollupContext",
    )
    for name in (*abstract, *unions):
        schema.type_map[name].resolve_type = type_of  # type: ignore[attr-defined]
    _adapt_scalars(schema)
    return schema


def _executable(official: GraphQLSchema | None) -> GraphQLSchema:
    """GitHub's schema answering the subset's fields from the org and the rest with defaults (`defaults`)."""
    if official is None:
        return executable_subset()
    serve_all(official, executable_subset(), type_of)
    _adapt_scalars(official)
    return official


_SHARED = SharedSchema(_executable)


def executable_schema() -> GraphQLSchema:
    """The schema the endpoint serves: GitHub's whole schema, or the subset where it cannot be found.

    Built once per process (resolvers read everything per request from the context) and shared.
    """
    return _SHARED.get()


def prefetch_schema() -> None:
    """Start building `executable_schema()` in the background (server start-up does not wait for it)."""
    _SHARED.prefetch()
