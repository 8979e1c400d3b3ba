"""`Repository.issues` / `issue` and `Repository.discussions` / `discussion`: the issue and discussion part
of the sandbox's GraphQL API.

The types, fields and arguments are GitHub's (checked against the public schema with the rest of the SDL).
What github.com does and the sandbox copies:

- `issues(filterBy: {since, states, labels}, orderBy: {field: UPDATED_AT, direction: ASC})`: no pull requests
  (unlike REST); `stateReason`; `timelineItems(itemTypes: [CLOSED_EVENT, REOPENED_EVENT, TRANSFERRED_EVENT])`
  where `ClosedEvent.closer` is the pull request whose merge closed it, `TransferredEvent.fromRepository`
  where it came from; `closedByPullRequestsReferences` lists that pull request too;
- a transferred issue is listed in its new repository only, under its new number, with the same node id;
  `issue(number:)` / `discussion(number:)` answer null with a NOT_FOUND error ("Could not resolve to an
  Issue with the number of N.") for a number that holds none (a pull request's, a deleted discussion's);
- `discussions(orderBy: {field: UPDATED_AT})` with `category`, `answer`, `comments` (with `replies`);
  a deleted discussion leaves every list and its `node(id:)` is NOT_FOUND;
- the point cost is computed by `cost` like every other connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, extend_schema, parse

from dexxy_sandbox.github_graphql.views import Connection, GitHubGraphQLError, GraphData, LabelView, type_of
from dexxy_sandbox.org.github_ids import legacy_node_id
from dexxy_sandbox.org.issue_generator import issue_book
from dexxy_sandbox.org.issue_model import (
    DISCUSSION_CATEGORIES,
    Discussion,
    DiscussionComment,
    Issue,
    IssueStateEvent,
)
from dexxy_sandbox.org.model import IssueComment, Repository

ISSUE_SDL = """
enum IssueStateReason {
  COMPLETED
  DUPLICATE
  NOT_PLANNED
  REOPENED
}

enum DiscussionStateReason {
  DUPLICATE
  OUTDATED
  REOPENED
  RESOLVED
}

enum DiscussionOrderField {
  CREATED_AT
  UPDATED_AT
}

input DiscussionOrder {
  direction: OrderDirection!
  field: DiscussionOrderField!
}

input IssueFilters {
  assignee: String
  createdBy: String
  labels: [String!]
  mentioned: String
  milestone: String
  milestoneNumber: String
  since: DateTime
  states: [IssueState!]
  viewerSubscribed: Boolean = false
}

enum IssueTimelineItemsItemType {
  ADDED_TO_PROJECT_EVENT
  ASSIGNED_EVENT
  CLOSED_EVENT
  COMMENT_DELETED_EVENT
  CONNECTED_EVENT
  CONVERTED_NOTE_TO_ISSUE_EVENT
  CONVERTED_TO_DISCUSSION_EVENT
  CROSS_REFERENCED_EVENT
  DEMILESTONED_EVENT
  DISCONNECTED_EVENT
  ISSUE_COMMENT
  LABELED_EVENT
  LOCKED_EVENT
  MARKED_AS_DUPLICATE_EVENT
  MENTIONED_EVENT
  MILESTONED_EVENT
  MOVED_COLUMNS_IN_PROJECT_EVENT
  PARENT_ISSUE_ADDED_EVENT
  PARENT_ISSUE_REMOVED_EVENT
  PINNED_EVENT
  REFERENCED_EVENT
  REMOVED_FROM_PROJECT_EVENT
  RENAMED_TITLE_EVENT
  REOPENED_EVENT
  SUBSCRIBED_EVENT
  SUB_ISSUE_ADDED_EVENT
  SUB_ISSUE_REMOVED_EVENT
  TRANSFERRED_EVENT
  UNASSIGNED_EVENT
  UNLABELED_EVENT
  UNLOCKED_EVENT
  UNMARKED_AS_DUPLICATE_EVENT
  UNPINNED_EVENT
  UNSUBSCRIBED_EVENT
  USER_BLOCKED_EVENT
}

union Closer = Commit | PullRequest

union IssueTimelineItems = ClosedEvent | ReopenedEvent | TransferredEvent

type ReopenedEvent implements Node {
  actor: Actor
  createdAt: DateTime!
  id: ID!
  stateReason: IssueStateReason
}

type TransferredEvent implements Node {
  actor: Actor
  createdAt: DateTime!
  fromRepository: Repository
  id: ID!
  issue: Issue!
}

type IssueTimelineItemsConnection {
  edges: [IssueTimelineItemsEdge]
  filteredCount: Int!
  nodes: [IssueTimelineItems]
  pageCount: Int!
  pageInfo: PageInfo!
  totalCount: Int!
  updatedAt: DateTime!
}

type IssueTimelineItemsEdge {
  cursor: String!
  node: IssueTimelineItems
}

type UserConnection {
  edges: [UserEdge]
  nodes: [User]
  pageInfo: PageInfo!
  totalCount: Int!
}

type UserEdge {
  cursor: String!
  node: User
}

type IssueConnection {
  edges: [IssueEdge]
  nodes: [Issue]
  pageInfo: PageInfo!
  totalCount: Int!
}

type IssueEdge {
  cursor: String!
  node: Issue
}

type DiscussionCategory implements Node {
  createdAt: DateTime!
  description: String
  emoji: String!
  id: ID!
  isAnswerable: Boolean!
  name: String!
  repository: Repository!
  slug: String!
  updatedAt: DateTime!
}

type DiscussionComment implements Node {
  author: Actor
  body: String!
  createdAt: DateTime!
  databaseId: Int
  deletedAt: DateTime
  discussion: Discussion
  id: ID!
  isAnswer: Boolean!
  replies(after: String, before: String, first: Int, last: Int): DiscussionCommentConnection!
  replyTo: DiscussionComment
  updatedAt: DateTime!
  url: URI!
}

type DiscussionCommentConnection {
  edges: [DiscussionCommentEdge]
  nodes: [DiscussionComment]
  pageInfo: PageInfo!
  totalCount: Int!
}

type DiscussionCommentEdge {
  cursor: String!
  node: DiscussionComment
}

type Discussion implements Node {
  answer: DiscussionComment
  answerChosenAt: DateTime
  answerChosenBy: Actor
  author: Actor
  body: String!
  category: DiscussionCategory!
  closed: Boolean!
  closedAt: DateTime
  comments(after: String, before: String, first: Int, last: Int): DiscussionCommentConnection!
  createdAt: DateTime!
  databaseId: Int
  id: ID!
  isAnswered: Boolean
  number: Int!
  repository: Repository!
  stateReason: DiscussionStateReason
  title: String!
  updatedAt: DateTime!
  url: URI!
}

type DiscussionConnection {
  edges: [DiscussionEdge]
  nodes: [Discussion]
  pageInfo: PageInfo!
  totalCount: Int!
}

type DiscussionEdge {
  cursor: String!
  node: Discussion
}

extend type ClosedEvent {
  closer: Closer
  stateReason: IssueStateReason
}

extend type IssueComment {
  issue: Issue!
}

extend type Issue {
  assignees(after: String, before: String, first: Int, last: Int): UserConnection!
  closedByPullRequestsReferences(
    after: String
    before: String
    first: Int
    includeClosedPrs: Boolean = false
    last: Int
    orderByState: Boolean = false
    userLinkedOnly: Boolean = false
  ): PullRequestConnection
  comments(after: String, before: String, first: Int, last: Int): IssueCommentConnection!
  labels(after: String, before: String, first: Int, last: Int): LabelConnection
  stateReason(enableDuplicate: Boolean = false): IssueStateReason
  timelineItems(
    after: String
    before: String
    first: Int
    itemTypes: [IssueTimelineItemsItemType!]
    last: Int
    since: DateTime
    skip: Int
  ): IssueTimelineItemsConnection!
}

extend type Repository {
  discussion(number: Int!): Discussion
  discussions(
    after: String
    answered: Boolean = null
    before: String
    categoryId: ID = null
    first: Int
    last: Int
    orderBy: DiscussionOrder = {field: UPDATED_AT, direction: DESC}
  ): DiscussionConnection!
  issue(number: Int!): Issue
  issues(
    after: String
    before: String
    filterBy: IssueFilters
    first: Int
    labels: [String!]
    last: Int
    orderBy: IssueOrder
    states: [IssueState!]
  ): IssueConnection!
}
"""

_TIMELINE_TYPES = {"closed": "CLOSED_EVENT", "reopened": "REOPENED_EVENT", "transferred": "TRANSFERRED_EVENT"}


# ----- views (their `graphql_type` names the object type for unions and interfaces) -----
@dataclass(frozen=True, slots=True)
class IssueView:
    issue: Issue
    graphql_type = "Issue"


@dataclass(frozen=True, slots=True)
class IssueCommentView:
    issue: Issue
    comment: IssueComment
    graphql_type = "IssueComment"


@dataclass(frozen=True, slots=True)
class IssueEventView:
    issue: Issue
    event: IssueStateEvent

    @property
    def graphql_type(self) -> str:
        return {"closed": "ClosedEvent", "reopened": "ReopenedEvent"}.get(
            self.event.event, "TransferredEvent"
        )


@dataclass(frozen=True, slots=True)
class DiscussionView:
    discussion: Discussion
    graphql_type = "Discussion"


@dataclass(frozen=True, slots=True)
class DiscussionCommentView:
    discussion: Discussion
    comment: DiscussionComment
    graphql_type = "DiscussionComment"


@dataclass(frozen=True, slots=True)
class CategoryView:
    repo: Repository
    index: int
    graphql_type = "DiscussionCategory"


def extend_with_issues(schema: GraphQLSchema) -> GraphQLSchema:
    """The schema plus the issue and discussion types and their `Repository` fields."""
    return extend_schema(schema, parse(ISSUE_SDL))


def _data(info: GraphQLResolveInfo) -> GraphData:
    return info.context.data


def node_entries(data: GraphData) -> dict[str, Any]:
    """Issues, their comments, discussions and their comments by node id (deleted discussions: none)."""
    book = issue_book(data.org)
    index: dict[str, Any] = {}
    for issue in book.all_issues():
        index[issue.node_id] = IssueView(issue)
        for comment in issue.comments:
            index[legacy_node_id("IssueComment", comment.id)] = IssueCommentView(issue, comment)
    for discussion in book.all_discussions():
        index[discussion.node_id] = DiscussionView(discussion)
        for reply in discussion.comments:
            index[reply.node_id] = DiscussionCommentView(discussion, reply)
    return index


def _moment(value: Any) -> dt.datetime | None:
    """A DateTime argument (GitHub's ISO 8601 text) as an aware datetime."""
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise GitHubGraphQLError("INVALID_ARGUMENT", f"'{value}' is not a valid DateTime") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# ----- repository -----
def _issues(repo: Repository, info: GraphQLResolveInfo, **args: Any) -> Connection:
    data = _data(info)
    filters = args.get("filterBy") or {}
    states = tuple(sorted(args.get("states") or filters.get("states") or ()))
    labels = frozenset(args.get("labels") or filters.get("labels") or ())
    after = _moment(filters.get("since"))
    order = args.get("orderBy") or {}
    field_name, direction = order.get("field", "CREATED_AT"), order.get("direction", "ASC")

    def build() -> list[IssueView]:
        found = [
            issue
            for issue in issue_book(data.org).issues(repo.name)
            if (not states or issue.state.upper() in states)
            and (not labels or labels & set(issue.labels))
            and (after is None or issue.updated_at >= after)
        ]
        keys = {
            "CREATED_AT": lambda i: (i.created_at, i.number),
            "UPDATED_AT": lambda i: (i.updated_at, i.number),
            "COMMENTS": lambda i: (len(i.comments), i.number),
        }
        return [IssueView(i) for i in sorted(found, key=keys[field_name], reverse=direction == "DESC")]

    key = ("issues", repo.name, states, labels, str(after), field_name, direction)
    return Connection(data.cache.get(key, build), args)


def _issue(repo: Repository, info: GraphQLResolveInfo, number: int) -> IssueView:
    """The issue, following a transfer as GitHub does; any other number (a pull request's too) is
    NOT_FOUND, with GitHub's message."""
    book = issue_book(_data(info).org)
    found = book.issue(repo.name, number)
    if found is None:
        moved = book.moved_to(repo.name, number)
        found = book.issue(*moved) if moved else None
    if found is None or _data(info).vanished(found.repo, found.number):  # `vanish_rate`: deleted since listed
        raise GitHubGraphQLError("NOT_FOUND", f"Could not resolve to an Issue with the number of {number}.")
    return IssueView(found)


def _discussions(repo: Repository, info: GraphQLResolveInfo, **args: Any) -> Connection:
    data = _data(info)
    order = args.get("orderBy") or {}
    field_name, direction = order.get("field", "UPDATED_AT"), order.get("direction", "DESC")
    answered = args.get("answered")
    category = args.get("categoryId")

    def build() -> list[DiscussionView]:
        found = [
            d
            for d in issue_book(data.org).discussions(repo.name)
            if (answered is None or (d.answer_id is not None) == answered)
            and (category is None or _category_id(repo, _category_index(d)) == category)
        ]
        key = (
            (lambda d: (d.updated_at, d.number))
            if field_name == "UPDATED_AT"
            else lambda d: (d.created_at, d.number)
        )
        return [DiscussionView(d) for d in sorted(found, key=key, reverse=direction == "DESC")]

    return Connection(
        data.cache.get(("discussions", repo.name, field_name, direction, answered, category), build), args
    )


def _discussion(repo: Repository, info: GraphQLResolveInfo, number: int) -> DiscussionView:
    """The discussion; a deleted one or any other number is NOT_FOUND, with GitHub's message."""
    found = issue_book(_data(info).org).discussion(repo.name, number)
    if found is None:
        raise GitHubGraphQLError(
            "NOT_FOUND", f"Could not resolve to a Discussion with the number of {number}."
        )
    return DiscussionView(found)


REPOSITORY: dict[str, Any] = {
    "issues": _issues,
    "issue": _issue,
    "discussions": _discussions,
    "discussion": _discussion,
}


# ----- issues -----
def _issue_path(data: GraphData, issue: Issue) -> str:
    return f"/{data.org.login}/{issue.repo}/issues/{issue.number}"


def _assignees(view: IssueView, info: GraphQLResolveInfo, **args: Any) -> Connection:
    org = _data(info).org
    people = [org.account(login) for login in view.issue.assignees]
    return Connection([a for a in people if a is not None and not a.deleted], args)


def _labels(view: IssueView, info: GraphQLResolveInfo, **args: Any) -> Connection:
    data = _data(info)
    repo = data.org.repository(view.issue.repo)
    assert repo is not None
    return Connection(
        [LabelView(repo.name, data.payloads.label(repo, name)) for name in view.issue.labels], args
    )


def _timeline(view: IssueView, info: GraphQLResolveInfo, **args: Any) -> Connection:
    wanted = set(args.get("itemTypes") or ())
    after = _moment(args.get("since"))
    events = [
        IssueEventView(view.issue, e)
        for e in view.issue.events
        if (not wanted or _TIMELINE_TYPES[e.event] in wanted) and (after is None or e.created_at >= after)
    ]
    connection = Connection(events, args)
    connection.filteredCount = len(events)  # type: ignore[attr-defined]
    connection.pageCount = len(connection.nodes)  # type: ignore[attr-defined]
    connection.updatedAt = view.issue.updated_at  # type: ignore[attr-defined]
    return connection


def _closing_pulls(view: IssueView, info: GraphQLResolveInfo, **args: Any) -> Connection:
    org = _data(info).org
    pulls = [
        org.pull(e.closer_repo, e.closer_number)
        for e in view.issue.events
        if e.event == "closed" and e.closer_repo and e.closer_number
    ]
    return Connection(list(dict.fromkeys(pr for pr in pulls if pr is not None)), args)


ISSUE: dict[str, Any] = {
    "assignees": _assignees,
    "author": lambda v, info: _data(info).actor(v.issue.author),
    "body": lambda v, info: v.issue.body,
    "closed": lambda v, info: v.issue.closed_at is not None,
    "closedAt": lambda v, info: v.issue.closed_at,
    "closedByPullRequestsReferences": _closing_pulls,
    "comments": lambda v, info, **args: Connection(
        [IssueCommentView(v.issue, c) for c in v.issue.comments], args
    ),
    "createdAt": lambda v, info: v.issue.created_at,
    "databaseId": lambda v, info: v.issue.id,
    "id": lambda v, info: v.issue.node_id,
    "labels": _labels,
    "number": lambda v, info: v.issue.number,
    "repository": lambda v, info: _data(info).org.repository(v.issue.repo),
    "resourcePath": lambda v, info: _issue_path(_data(info), v.issue),
    "state": lambda v, info: v.issue.state.upper(),
    "stateReason": lambda v, info, **_: v.issue.state_reason.upper() if v.issue.state_reason else None,
    "timelineItems": _timeline,
    "title": lambda v, info: v.issue.title,
    "updatedAt": lambda v, info: v.issue.updated_at,
    "url": lambda v, info: _data(info).web_root + _issue_path(_data(info), v.issue),
}


def _comment_path(data: GraphData, view: IssueCommentView) -> str:
    return f"{_issue_path(data, view.issue)}#issuecomment-{view.comment.id}"


ISSUE_COMMENT: dict[str, Any] = {
    "author": lambda v, info: _data(info).actor(v.comment.author),
    "authorAssociation": lambda v, info: _data(info).association(v.comment.author),
    "body": lambda v, info: v.comment.body,
    "createdAt": lambda v, info: v.comment.created_at,
    "databaseId": lambda v, info: v.comment.id,
    "fullDatabaseId": lambda v, info: v.comment.id,
    "id": lambda v, info: legacy_node_id("IssueComment", v.comment.id),
    "issue": lambda v, info: IssueView(v.issue),
    "pullRequest": lambda v, info: None,
    "repository": lambda v, info: _data(info).org.repository(v.issue.repo),
    "resourcePath": lambda v, info: _comment_path(_data(info), v),
    "updatedAt": lambda v, info: v.comment.updated_at,
    "url": lambda v, info: _data(info).web_root + _comment_path(_data(info), v),
}


def _closer(view: IssueEventView, info: GraphQLResolveInfo) -> Any:
    event = view.event
    if event.closer_repo and event.closer_number:
        return _data(info).org.pull(event.closer_repo, event.closer_number)
    return None


def _event_path(data: GraphData, view: IssueEventView) -> str:
    return f"{_issue_path(data, view.issue)}#event-{view.event.id}"


EVENT: dict[str, Any] = {
    "actor": lambda v, info: _data(info).actor(v.event.actor),
    "closer": _closer,
    "createdAt": lambda v, info: v.event.created_at,
    "fromRepository": lambda v, info: _data(info).org.repository(v.event.from_repo or ""),
    "id": lambda v, info: legacy_node_id(v.graphql_type, v.event.id),
    "issue": lambda v, info: IssueView(v.issue),
    "resourcePath": lambda v, info: _event_path(_data(info), v),
    "stateReason": lambda v, info, **_: v.event.state_reason.upper() if v.event.state_reason else None,
    "url": lambda v, info: _data(info).web_root + _event_path(_data(info), v),
}


# ----- discussions -----
def _category_index(discussion: Discussion) -> int:
    return next(i for i, c in enumerate(DISCUSSION_CATEGORIES) if c[0] == discussion.category)


def _category_id(repo: Repository, index: int) -> str:
    return legacy_node_id("DiscussionCategory", repo.id * 10 + index)


def _discussion_path(data: GraphData, discussion: Discussion) -> str:
    return f"/{data.org.login}/{discussion.repo}/discussions/{discussion.number}"


def _answer(view: DiscussionView, info: GraphQLResolveInfo) -> DiscussionCommentView | None:
    d = view.discussion
    found = next((c for c in d.comments if c.id == d.answer_id), None)
    return DiscussionCommentView(d, found) if found else None


def _category(view: DiscussionView, info: GraphQLResolveInfo) -> CategoryView:
    repo = _data(info).org.repository(view.discussion.repo)
    assert repo is not None
    return CategoryView(repo, _category_index(view.discussion))


DISCUSSION: dict[str, Any] = {
    "answer": _answer,
    "answerChosenAt": lambda v, info: v.discussion.answer_chosen_at,
    "answerChosenBy": lambda v, info: _data(info).actor(v.discussion.answer_chosen_by),
    "author": lambda v, info: _data(info).actor(v.discussion.author),
    "body": lambda v, info: v.discussion.body,
    "category": _category,
    "closed": lambda v, info: v.discussion.closed_at is not None,
    "closedAt": lambda v, info: v.discussion.closed_at,
    "comments": lambda v, info, **args: Connection(
        [DiscussionCommentView(v.discussion, c) for c in v.discussion.comments if c.reply_to is None], args
    ),
    "createdAt": lambda v, info: v.discussion.created_at,
    "databaseId": lambda v, info: v.discussion.id,
    "id": lambda v, info: v.discussion.node_id,
    "isAnswered": lambda v, info: v.discussion.answer_id is not None,
    "number": lambda v, info: v.discussion.number,
    "repository": lambda v, info: _data(info).org.repository(v.discussion.repo),
    "stateReason": lambda v, info: v.discussion.state_reason,
    "title": lambda v, info: v.discussion.title,
    "updatedAt": lambda v, info: v.discussion.updated_at,
    "url": lambda v, info: _data(info).web_root + _discussion_path(_data(info), v.discussion),
}


def _discussion_comment_path(data: GraphData, view: DiscussionCommentView) -> str:
    return f"{_discussion_path(data, view.discussion)}#discussioncomment-{view.comment.id}"


def _reply_to(view: DiscussionCommentView, info: GraphQLResolveInfo) -> DiscussionCommentView | None:
    parent = next((c for c in view.discussion.comments if c.id == view.comment.reply_to), None)
    return DiscussionCommentView(view.discussion, parent) if parent else None


DISCUSSION_COMMENT: dict[str, Any] = {
    "author": lambda v, info: _data(info).actor(v.comment.author),
    "body": lambda v, info: v.comment.body,
    "createdAt": lambda v, info: v.comment.created_at,
    "databaseId": lambda v, info: v.comment.id,
    "deletedAt": lambda v, info: None,
    "discussion": lambda v, info: DiscussionView(v.discussion),
    "id": lambda v, info: v.comment.node_id,
    "isAnswer": lambda v, info: v.comment.id == v.discussion.answer_id,
    "replies": lambda v, info, **args: Connection(
        [DiscussionCommentView(v.discussion, c) for c in v.discussion.comments if c.reply_to == v.comment.id],
        args,
    ),
    "replyTo": _reply_to,
    "updatedAt": lambda v, info: v.comment.updated_at,
    "url": lambda v, info: _data(info).web_root + _discussion_comment_path(_data(info), v),
}

CATEGORY: dict[str, Any] = {
    "createdAt": lambda v, info: v.repo.created_at,
    "description": lambda v, info: f"{DISCUSSION_CATEGORIES[v.index][0]} discussions",
    "emoji": lambda v, info: DISCUSSION_CATEGORIES[v.index][2],
    "id": lambda v, info: _category_id(v.repo, v.index),
    "isAnswerable": lambda v, info: DISCUSSION_CATEGORIES[v.index][3],
    "name": lambda v, info: DISCUSSION_CATEGORIES[v.index][0],
    "repository": lambda v, info: v.repo,
    "slug": lambda v, info: DISCUSSION_CATEGORIES[v.index][1],
    "updatedAt": lambda v, info: v.repo.created_at,
}


def _alongside(mine: Any, theirs: Any, view_type: type) -> Any:
    """A resolver for a type the pull requests share (IssueComment, ClosedEvent): ours for our views."""

    def resolve(value: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        if isinstance(value, view_type):
            return mine(value, info, **args)
        if theirs is None:
            return getattr(value, info.field_name, None)
        return theirs(value, info, **args)

    return resolve


def bind_issue_resolvers(schema: GraphQLSchema) -> None:
    """Attach the resolvers to a schema built with `extend_with_issues` (after the pull requests' own)."""
    own = {
        "Repository": REPOSITORY,
        "Issue": ISSUE,
        "ReopenedEvent": EVENT,
        "TransferredEvent": EVENT,
        "Discussion": DISCUSSION,
        "DiscussionComment": DISCUSSION_COMMENT,
        "DiscussionCategory": CATEGORY,
    }
    for type_name, resolvers in own.items():
        graphql_type = schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        for name, resolver in resolvers.items():
            if name in graphql_type.fields:
                graphql_type.fields[name].resolve = resolver
    for union in ("Closer", "IssueTimelineItems"):
        schema.type_map[union].resolve_type = type_of  # type: ignore[attr-defined]
    shared = (("IssueComment", ISSUE_COMMENT, IssueCommentView), ("ClosedEvent", EVENT, IssueEventView))
    for type_name, resolvers, view_type in shared:
        graphql_type = schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        for name, field in graphql_type.fields.items():
            if name in resolvers:
                field.resolve = _alongside(resolvers[name], field.resolve, view_type)
