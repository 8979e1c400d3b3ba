"""The sandbox's GraphQL schema, cost formula, cursors and search syntax, without a server.

The schema check reads GitHub's published schema from `../shared/specs/github/schema.graphql` (skipped when
the specs are not beside the repository): every type, field, argument, enum value, union member and
interface of the sandbox's SDL must exist there with the same type.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from graphql import (
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_operation_ast,
    parse,
    validate,
)

from dexxy_sandbox.github_graphql.cost import QueryCost, QueryLimitError, analyse_query
from dexxy_sandbox.github_graphql.cursors import (
    InvalidCursorError,
    decode_cursor,
    encode_cursor,
    encode_search_cursor,
    page_window,
)
from dexxy_sandbox.github_graphql.schema import build_github_schema
from dexxy_sandbox.github_graphql.search import parse_date_range

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "specs"
GITHUB_SCHEMA = SPECS / "github" / "schema.graphql"
UTC = dt.UTC


@cache
def official_schema() -> GraphQLSchema:
    # GitHub's file defines a couple of fields twice, which strict SDL validation rejects.
    return build_schema(GITHUB_SCHEMA.read_text(), assume_valid_sdl=True, assume_valid=True)


@pytest.fixture(scope="module")
def github() -> GraphQLSchema:
    if not GITHUB_SCHEMA.exists():
        pytest.skip(f"../shared/specs not found: {GITHUB_SCHEMA} (the specs live beside the repository)")
    return official_schema()


def cost_of(schema: GraphQLSchema, query: str, variables: dict | None = None) -> QueryCost:
    document = parse(query)
    assert validate(schema, document) == []
    operation = get_operation_ast(document)
    assert operation is not None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return analyse_query(schema, operation, fragments, variables)


# ----- the schema is GitHub's -----
def test_every_type_field_and_argument_exists_in_githubs_schema(github: GraphQLSchema) -> None:
    ours = build_github_schema()
    problems: list[str] = []
    for name, ours_type in ours.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Boolean", "ID", "Float"):
            continue
        theirs = github.type_map.get(name)
        if theirs is None or type(theirs) is not type(ours_type):
            problems.append(f"type {name}: {type(ours_type).__name__} vs {type(theirs).__name__}")
            continue
        if isinstance(ours_type, GraphQLEnumType):
            assert isinstance(theirs, GraphQLEnumType)
            if set(ours_type.values) != set(theirs.values):
                problems.append(f"enum {name}: {sorted(set(ours_type.values) ^ set(theirs.values))}")
        elif isinstance(ours_type, GraphQLUnionType):
            assert isinstance(theirs, GraphQLUnionType)
            extra = {t.name for t in ours_type.types} - {t.name for t in theirs.types}
            if extra:
                problems.append(f"union {name}: {sorted(extra)} are not members on GitHub")
        elif isinstance(ours_type, GraphQLInputObjectType):
            assert isinstance(theirs, GraphQLInputObjectType)
            for field_name, input_field in ours_type.fields.items():
                other = theirs.fields.get(field_name)
                if other is None or str(other.type) != str(input_field.type):
                    problems.append(f"input {name}.{field_name}")
        elif isinstance(ours_type, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(theirs, GraphQLObjectType | GraphQLInterfaceType)
            mine = {i.name for i in ours_type.interfaces}
            if not mine <= {i.name for i in theirs.interfaces}:
                problems.append(f"{name} implements {sorted(mine)} on GitHub?")
            for field_name, field in ours_type.fields.items():
                other = theirs.fields.get(field_name)
                if other is None:
                    problems.append(f"{name}.{field_name} does not exist")
                    continue
                if str(other.type) != str(field.type):
                    problems.append(f"{name}.{field_name}: {field.type} vs {other.type}")
                for arg_name, arg in field.args.items():
                    other_arg = other.args.get(arg_name)
                    if other_arg is None or str(other_arg.type) != str(arg.type):
                        problems.append(f"{name}.{field_name}({arg_name}: {arg.type})")
                    elif other_arg.default_value != arg.default_value:
                        problems.append(f"{name}.{field_name}({arg_name}) default {arg.default_value!r}")
    assert problems == []


def test_the_schema_covers_what_an_analytics_sync_reads(github: GraphQLSchema) -> None:
    """A realistic sync query is valid against both schemas."""
    query = """
    query($q: String!, $after: String) {
      rateLimit(dryRun: false) { cost limit remaining resetAt used nodeCount }
      search(type: ISSUE, query: $q, first: 50, after: $after) {
        issueCount
        pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
        edges { cursor node { ... on PullRequest { id } } }
        nodes {
          ... on PullRequest {
            id databaseId number title body url state isDraft createdAt updatedAt closedAt mergedAt
            additions deletions changedFiles headRefName baseRefName headRefOid baseRefOid
            author { login url avatarUrl ... on User { databaseId } ... on Bot { databaseId } }
            mergedBy { login } mergeCommit { oid }
            labels(first: 20) { nodes { name } }
            repository { nameWithOwner databaseId }
            reviews(first: 40) { totalCount pageInfo { hasNextPage endCursor }
              nodes { databaseId id state submittedAt createdAt body author { login } commit { oid } } }
            commits(first: 60) { totalCount pageInfo { hasNextPage endCursor }
              nodes { commit { oid message messageHeadline authoredDate committedDate
                author { name email user { login databaseId } } committer { name email user { login } }
                parents(first: 2) { totalCount }
                checkSuites(first: 4) { nodes { app { name slug } conclusion status
                  checkRuns(first: 15) { totalCount pageInfo { hasNextPage }
                    nodes { databaseId name status conclusion startedAt completedAt detailsUrl } } } } } } }
            files(first: 80) {
              totalCount pageInfo { hasNextPage } nodes { path additions deletions changeType }
            }
            comments(first: 40) { totalCount nodes { databaseId body createdAt updatedAt author { login } } }
            reviewThreads(first: 20) { nodes { comments(first: 10) { nodes {
              databaseId body path line originalLine createdAt updatedAt replyTo { databaseId }
              author { login } commit { oid } } } } }
            timelineItems(first: 20, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT,
                                                   REVIEW_REQUESTED_EVENT]) {
              totalCount
              nodes { ... on ReadyForReviewEvent { createdAt } ... on ConvertToDraftEvent { createdAt }
                      ... on ReviewRequestedEvent { createdAt requestedReviewer { ... on User { login } } } }
            }
          }
        }
      }
      repository(owner: "o", name: "r") {
        pullRequest(number: 1) { id }
        pullRequests(first: 100, states: [MERGED], orderBy: {field: UPDATED_AT, direction: DESC}) {
          totalCount nodes { number }
        }
      }
    }
    """
    document = parse(query)
    assert validate(build_github_schema(), document) == []
    assert validate(github, document) == []


# ----- the point cost, as GitHub's docs compute it -----
DOCS_RATE_LIMIT_EXAMPLE = """
query {
  viewer {
    login
    repositories(first: 100) {
      edges { node { id
        issues(first: 50) { edges { node { id
          labels(first: 60) { edges { node { id name } } }
        } } }
      } }
    }
  }
  rateLimit { limit cost remaining resetAt }
}
"""

DOCS_COMPLEX_NODE_EXAMPLE = """
query {
  viewer {
    repositories(first: 50) { edges { repository:node { name
      pullRequests(first: 20) { edges { pullRequest:node { title
        comments(first: 10) { edges { comment:node { bodyHTML } } } } } }
      issues(first: 20) { totalCount edges { issue:node { title bodyHTML
        comments(first: 10) { edges { comment:node { bodyHTML } } } } } }
    } } }
    followers(first: 10) { edges { follower:node { login } } }
  }
}
"""


def test_docs_examples_cost_what_the_docs_say(github: GraphQLSchema) -> None:
    # 1 request for repositories + 100 for issues + 5,000 for labels = 5,101 -> 51 points
    example = cost_of(github, DOCS_RATE_LIMIT_EXAMPLE)
    assert (example.requests, example.cost) == (5101, 51)
    assert example.node_count == 100 + 100 * 50 + 100 * 50 * 60
    simple = cost_of(
        github,
        "query { viewer { repositories(first: 50) { edges { repository:node { name "
        "issues(first: 10) { totalCount edges { node { title bodyHTML } } } } } } } }",
    )
    assert simple.node_count == 550 and simple.cost == 1
    assert cost_of(github, DOCS_COMPLEX_NODE_EXAMPLE).node_count == 22_060


def test_cost_on_the_sandbox_schema() -> None:
    schema = build_github_schema()
    assert cost_of(schema, '{ repository(owner: "o", name: "r") { name } }').cost == 1  # no connection: 1
    assert cost_of(schema, "{ rateLimit { cost } }").cost == 1
    # the docs' 100 x 50 x 60 shape, on the sandbox's own connections
    nested = """
    { search(type: ISSUE, query: "is:pr", first: 100) { nodes { ... on PullRequest {
        commits(first: 50) { nodes { commit { checkSuites(first: 60) { totalCount } } } } } } } }
    """
    assert (cost_of(schema, nested).requests, cost_of(schema, nested).cost) == (5101, 51)
    # 1 + 50 (reviews) + 50 (commits) + 50 x 60 (parents) = 3,101 -> 31; 149 -> 1; 150 rounds up to 2
    page = """
    query($n: Int!) { search(type: ISSUE, query: "x", first: $n) { nodes { ... on PullRequest {
        reviews(first: 40) { totalCount }
        commits(first: 60) { nodes { commit { parents(first: 2) { totalCount } } } }
    } } } }
    """
    assert cost_of(schema, page, {"n": 50}).cost == 31
    assert QueryCost(149, 0).cost == 1 and QueryCost(150, 0).cost == 2 and QueryCost(0, 0).cost == 1


def test_a_connection_reached_through_two_fragments_counts_once() -> None:
    query = """
    { search(type: ISSUE, query: "x", first: 100) { nodes { ...A ...B } } }
    fragment A on PullRequest { reviews(first: 100) { nodes { id } } }
    fragment B on PullRequest { reviews(first: 100) { totalCount } }
    """
    assert cost_of(build_github_schema(), query).requests == 101


def test_pagination_limits() -> None:
    schema = build_github_schema()
    with pytest.raises(QueryLimitError) as too_many:
        cost_of(schema, '{ repository(owner: "o", name: "r") { pullRequests(first: 101) { totalCount } } }')
    assert too_many.value.errors[0]["type"] == "EXCESSIVE_PAGINATION"
    assert too_many.value.errors[0]["message"] == (
        "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records."
    )
    with pytest.raises(QueryLimitError) as missing:
        cost_of(schema, '{ repository(owner: "o", name: "r") { pullRequests { nodes { number } } } }')
    assert missing.value.errors[0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    # a count needs no page, as on GitHub (`followers { totalCount }`; airbyte-source-github asks so)
    counted = cost_of(schema, '{ repository(owner: "o", name: "r") { pullRequests { totalCount } } }')
    assert (counted.requests, counted.node_count, counted.cost) == (1, 0, 1)
    with pytest.raises(QueryLimitError) as through_fragment:
        cost_of(
            schema,
            '{ repository(owner: "o", name: "r") { pullRequests { totalCount ...Page } } }'
            " fragment Page on PullRequestConnection { edges { cursor } }",
        )
    assert through_fragment.value.errors[0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    with pytest.raises(QueryLimitError) as zero:
        cost_of(schema, '{ repository(owner: "o", name: "r") { pullRequests(last: 0) { totalCount } } }')
    assert zero.value.errors[0]["type"] == "INVALID_PAGINATION"  # the docs: first and last within 1-100
    with pytest.raises(QueryLimitError) as nodes:
        cost_of(
            schema,
            """{ search(type: ISSUE, query: "x", first: 100) { nodes { ... on PullRequest {
                 commits(first: 100) { nodes { commit { checkSuites(first: 100) { totalCount } } } }
               } } } }""",
        )
    assert nodes.value.errors[0]["type"] == "MAX_NODE_LIMIT_EXCEEDED"
    assert "1,010,100 possible nodes" in nodes.value.errors[0]["message"]


# ----- cursors -----
def test_cursors_are_opaque_and_round_trip() -> None:
    assert encode_cursor(371) == "Y3Vyc29yOnYyOpHOAAABcw=="  # GitHub's own cursor for [371]
    for offset in (0, 1, 99, 100, 65_535, 2**31):
        cursor = encode_cursor(offset)
        assert not cursor.isdigit() and decode_cursor(cursor) == offset
    assert encode_search_cursor(0) == "Y3Vyc29yOjE=" and decode_cursor("Y3Vyc29yOjE=") == 0  # cursor:1
    for bad in ("", "5", "bm90IGEgY3Vyc29y", "Y3Vyc29yOjA=", "Y3Vyc29yOnYyOpE="):
        with pytest.raises(InvalidCursorError):
            decode_cursor(bad)


def test_page_window_follows_relay() -> None:
    assert (page_window(10, first=3).start, page_window(10, first=3).end) == (0, 3)
    after = page_window(10, first=3, after=encode_cursor(2))
    assert (after.start, after.end, after.has_next_page, after.has_previous_page) == (3, 6, True, True)
    last = page_window(10, last=4)
    assert (last.start, last.end, last.has_previous_page) == (6, 10, True)
    before = page_window(10, last=2, before=encode_cursor(5))
    assert (before.start, before.end) == (3, 5)
    assert page_window(10, first=5, after=encode_cursor(20)).size == 0


# ----- search date syntax -----
@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        (
            "2025-03-01..2025-03-31",
            ["2025-03-01T00:00:00", "2025-03-31T23:59:59"],
            ["2025-02-28T23:59:59", "2025-04-01"],
        ),
        (">=2025-03-01", ["2025-03-01T00:00:00"], ["2025-02-28T23:59:59"]),
        ("<=2025-03-01", ["2025-03-01T23:59:59"], ["2025-03-02T00:00:00"]),
        (">2025-03-01", ["2025-03-02T00:00:00"], ["2025-03-01T23:59:59"]),
        ("<2025-03-01", ["2025-02-28T23:59:59"], ["2025-03-01T00:00:00"]),
        ("2025-03-01", ["2025-03-01T12:00:00"], ["2025-03-02T00:00:00"]),
        ("2025-03-01..*", ["2030-01-01"], ["2025-02-28"]),
        (
            "2025-03-01T10:00:00Z..2025-03-01T11:00:00Z",
            ["2025-03-01T10:00:00", "2025-03-01T11:00:00"],
            ["2025-03-01T11:00:01"],
        ),
        (">2025-03-01T10:00:00+02:00", ["2025-03-01T08:00:01"], ["2025-03-01T08:00:00"]),
    ],
)
def test_date_qualifiers_are_inclusive_like_githubs(text: str, inside: list[str], outside: list[str]) -> None:
    window = parse_date_range(text)
    assert window is not None

    def at(value: str) -> dt.datetime:
        return dt.datetime.fromisoformat(value).replace(tzinfo=UTC)

    assert all(window.contains(at(v)) for v in inside)
    assert not any(window.contains(at(v)) for v in outside)
    assert parse_date_range("yesterday") is None
