"""The sandbox answers every field of GitHub's published GraphQL schema, over real HTTP.

Queries are generated from `../shared/specs/github/schema.graphql` (skipped when the specs are not beside
the repository): from `repository`, `organization`, `viewer` and a pull request found by `search`, every
field of the type reached, one level of nested objects and connections below it (their scalar and enum
fields), required arguments filled with valid values. Each query validates against GitHub's schema (built
here from the file, apart from the sandbox's), runs without errors, and every value has its field's type:
non-null fields are never null, Ints are ints, enums are values of their enum, DateTimes parse, URIs are
absolute (or paths, as GitHub's `resourcePath`s are). Then queries shaped like the ones airbyte-source-github
and meltanolabs tap-github send (written from the fields they select) run unmodified.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from graphql.pyutils import Undefined

from dexxy_sandbox.github_graphql.official_schema import load_official_schema
from dexxy_sandbox.github_graphql.schema import build_github_schema
from dexxy_sandbox.org.issue_generator import issue_book
from dexxy_sandbox.org.model import PullRequest
from dexxy_sandbox.server import SandboxServer
from tests.conftest import SPECS_DIR
from tests.github_runs import SANDBOX_TOKEN
from tests.sandbox_fixtures import running_sandbox

GITHUB_SCHEMA = SPECS_DIR / "github" / "schema.graphql"
PAGE = 2  # `first:` of every generated connection


@cache
def github() -> GraphQLSchema:
    return load_official_schema(GITHUB_SCHEMA)


@pytest.fixture(scope="module")
def official() -> GraphQLSchema:
    if not GITHUB_SCHEMA.exists():
        pytest.skip(f"../shared/specs not found: {GITHUB_SCHEMA} (the specs live beside the repository)")
    return github()


@pytest.fixture(scope="module")
def server(official: GraphQLSchema) -> Iterator[SandboxServer]:
    with running_sandbox(engineers=6, repos=2, days=40) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"bearer {SANDBOX_TOKEN}"}
    with httpx.Client(base_url=server.github_api_url, headers=headers, timeout=120) as http:
        yield http


def busy_pull(server: SandboxServer) -> PullRequest:
    """A merged pull request with reviews and comments: most of its modelled fields have something to show."""
    pulls = [pr for repo in server.org.repositories for pr in server.org.pulls(repo.name)]
    return max(pulls, key=lambda pr: (pr.merged_at is not None, len(pr.reviews), pr.comments, pr.number))


def writer_for(schema: GraphQLSchema, server: SandboxServer) -> tuple[QueryWriter, PullRequest]:
    """A query writer whose `owner`, `name`, `login` and `number` arguments find `busy_pull` and its repo, and
    whose `issue(number:)` / `discussion(number:)` find one of that repo's (any other number is NOT_FOUND)."""
    pr = busy_pull(server)
    org = server.org.login
    book = issue_book(server.org)
    by_field = {
        ("issue", "number"): book.issues(pr.repo)[0].number,
        ("discussion", "number"): book.discussions(pr.repo)[0].number,
    }
    known = {"owner": org, "login": org, "name": pr.repo, "number": pr.number}
    return QueryWriter(schema, known, by_field), pr


# ----- the query generator -----
@dataclass
class QueryWriter:
    """Selections of every field of a type, with required arguments filled (`known` by argument name)."""

    schema: GraphQLSchema
    known: dict[str, Any] = field(default_factory=dict)  # values the sandbox resolves: owner, name, number
    by_field: dict[tuple[str, str], Any] = field(default_factory=dict)  # (field, argument): known there only

    def literal(self, graphql_type: GraphQLType, name: str) -> str:
        if isinstance(graphql_type, GraphQLNonNull):
            graphql_type = graphql_type.of_type
        if name in self.known and isinstance(graphql_type, GraphQLScalarType):
            return json.dumps(self.known[name])
        if isinstance(graphql_type, GraphQLList):
            return "[]"
        if isinstance(graphql_type, GraphQLEnumType):
            return next(iter(graphql_type.values))
        if isinstance(graphql_type, GraphQLInputObjectType):
            required = [
                f"{key}: {self.literal(value.type, key)}"
                for key, value in graphql_type.fields.items()
                if isinstance(value.type, GraphQLNonNull) and value.default_value is Undefined
            ]
            return "{" + ", ".join(required) + "}"
        assert isinstance(graphql_type, GraphQLScalarType)
        return {
            "Int": "1",
            "Float": "1.5",
            "Boolean": "false",
            "DateTime": '"2026-01-01T00:00:00Z"',
            "Date": '"2026-01-01"',
            "URI": '"https://github.com/octocat"',
            "GitObjectID": json.dumps("0" * 40),
        }.get(graphql_type.name, '"x"')

    def call(self, name: str, definition: GraphQLField, paged: bool) -> str:
        arguments = [f"first: {PAGE}"] if paged else []
        for arg_name, arg in definition.args.items():
            if (name, arg_name) in self.by_field:
                arguments.append(f"{arg_name}: {json.dumps(self.by_field[name, arg_name])}")
            elif isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined:
                arguments.append(f"{arg_name}: {self.literal(arg.type, arg_name)}")
        return f"{name}({', '.join(arguments)})" if arguments else name

    def leaves(self, named: GraphQLNamedType) -> str:
        """`__typename` and the scalar and enum fields of an object or interface (a union: `__typename`)."""
        fields = getattr(named, "fields", {}) if not isinstance(named, GraphQLUnionType) else {}
        chosen = [self.call(n, f, False) for n, f in fields.items() if is_leaf_type(get_named_type(f.type))]
        return "{ " + " ".join(["__typename", *chosen]) + " }"

    def connection(self, named: GraphQLObjectType) -> str:
        parts = ["__typename", "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"]
        if "totalCount" in named.fields:
            parts.append("totalCount")
        if "nodes" in named.fields:
            parts.append("nodes " + self.leaves(get_named_type(named.fields["nodes"].type)))
        elif "edges" in named.fields:
            edge = get_named_type(named.fields["edges"].type)
            assert isinstance(edge, GraphQLObjectType)
            parts.append(f"edges {{ cursor node {self.leaves(get_named_type(edge.fields['node'].type))} }}")
        return "{ " + " ".join(parts) + " }"

    def every_field(self, type_name: str) -> str:
        """Every field of the type: leaves, objects with their leaves, connections one page deep."""
        named = self.schema.type_map[type_name]
        assert isinstance(named, GraphQLObjectType)
        parts = ["__typename"]
        for name, definition in named.fields.items():
            inner = get_named_type(definition.type)
            if is_leaf_type(inner):
                parts.append(self.call(name, definition, False))
            elif is_connection(inner, definition):
                assert isinstance(inner, GraphQLObjectType)
                parts.append(self.call(name, definition, True) + " " + self.connection(inner))
            else:
                parts.append(self.call(name, definition, False) + " " + self.leaves(inner))
        return "{ " + "\n".join(parts) + " }"


def is_connection(named: GraphQLNamedType, definition: GraphQLField) -> bool:
    return isinstance(named, GraphQLObjectType) and "pageInfo" in named.fields and "first" in definition.args


# ----- the type check -----
PYTHON_TYPES: dict[str, tuple[type, ...]] = {"Int": (int,), "Float": (int, float), "Boolean": (bool,)}


@dataclass
class TypeCheck:
    schema: GraphQLSchema
    problems: list[str] = field(default_factory=list)
    checked: int = 0

    def value(self, graphql_type: GraphQLType, value: Any, path: str) -> None:
        self.checked += 1
        if isinstance(graphql_type, GraphQLNonNull):
            if value is None:
                self.problems.append(f"{path}: null for {graphql_type}")
                return
            graphql_type = graphql_type.of_type
        if value is None:
            return
        if isinstance(graphql_type, GraphQLList):
            if not isinstance(value, list):
                self.problems.append(f"{path}: {value!r} is not a list")
                return
            for index, item in enumerate(value):
                self.value(graphql_type.of_type, item, f"{path}[{index}]")
        elif isinstance(graphql_type, GraphQLScalarType):
            self.scalar(graphql_type.name, value, path)
        elif isinstance(graphql_type, GraphQLEnumType):
            if value not in graphql_type.values:
                self.problems.append(f"{path}: {value!r} is not a {graphql_type.name}")
        else:
            self.selection(graphql_type, value, path)

    def scalar(self, name: str, value: Any, path: str) -> None:
        expected = PYTHON_TYPES.get(name, (str,))
        if not isinstance(value, expected) or (name != "Boolean" and isinstance(value, bool)):
            self.problems.append(f"{path}: {value!r} is not a {name}")
        elif name in ("DateTime", "GitTimestamp", "PreciseDateTime"):
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                self.problems.append(f"{path}: {value!r} has no time zone")
        elif name == "Date":
            dt.date.fromisoformat(value)
        elif name == "URI" and not (urlparse(value).netloc or value.startswith("/")):
            self.problems.append(f"{path}: {value!r} is neither absolute nor a path (`resourcePath`)")
        elif name == "GitObjectID" and (len(value) != 40 or value.strip("0123456789abcdef")):
            self.problems.append(f"{path}: {value!r} is not a git object id")
        elif name == "BigInt" and not value.lstrip("-").isdigit():
            self.problems.append(f"{path}: {value!r} is not a BigInt")

    def selection(self, graphql_type: GraphQLNamedType, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.problems.append(f"{path}: {value!r} is not an object")
            return
        concrete = self.schema.type_map.get(value["__typename"]) if "__typename" in value else graphql_type
        if not isinstance(concrete, GraphQLObjectType):
            self.problems.append(f"{path}: __typename {value.get('__typename')!r} is not an object type")
            return
        if isinstance(graphql_type, GraphQLInterfaceType | GraphQLUnionType):
            if not self.schema.is_sub_type(graphql_type, concrete):
                self.problems.append(f"{path}: {concrete.name} is not a {graphql_type.name}")
        elif concrete is not graphql_type:
            self.problems.append(f"{path}: {concrete.name} answered for {graphql_type.name}")
        for key, item in value.items():
            if key != "__typename":
                self.value(concrete.fields[key].type, item, f"{path}.{key}")


def post(client: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text[:500]
    return response.json()


def run_valid(
    client: httpx.Client, schema: GraphQLSchema, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A third-party query: valid on GitHub's schema, answered without errors; its `data`."""
    assert [e.message for e in validate(schema, parse(query))] == []
    body = post(client, query, variables)
    assert "errors" not in body, body["errors"][:3]
    return body["data"]


def run_checked(client: httpx.Client, schema: GraphQLSchema, query: str) -> tuple[dict[str, Any], TypeCheck]:
    """Validate against GitHub's schema, run over HTTP, and check every answered value's type (no aliases)."""
    data = run_valid(client, schema, query)
    check = TypeCheck(schema)
    check.selection(schema.query_type, {"__typename": "Query", **data}, "query")  # type: ignore[arg-type]
    assert check.problems == []
    return data, check


# ----- generated queries -----
def test_every_field_of_a_repository_answers_with_its_type(
    official: GraphQLSchema, server: SandboxServer, client: httpx.Client
) -> None:
    writer, pr = writer_for(official, server)
    query = f"{{ repository(owner: {json.dumps(server.org.login)}, name: {json.dumps(pr.repo)}) " + (
        writer.every_field("Repository") + " }"
    )
    assert validate(build_github_schema(), parse(query))  # the hand-written subset alone could not answer it
    data, check = run_checked(client, official, query)
    assert check.checked > 500 and query.count("\n") > 100
    # modelled fields come from the org, the rest are defaults
    answered = data["repository"]
    assert answered["nameWithOwner"] == f"{server.org.login}/{pr.repo}"
    assert answered["pullRequest"]["number"] == pr.number and answered["pullRequest"]["title"] == pr.title
    assert answered["pullRequests"]["totalCount"] == len(server.org.pulls(pr.repo))
    assert answered["stargazers"] == {
        "__typename": "StargazerConnection",
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
        "totalCount": 0,
        "nodes": [],
    }
    issues = issue_book(server.org).issues(pr.repo)  # modelled since the org has issues (issue_generator)
    assert answered["issues"]["totalCount"] == len(issues) and answered["stargazerCount"] == 0
    assert answered["issue"]["number"] == issues[0].number and answered["discussion"]["number"] is not None
    assert answered["licenseInfo"] is None  # nullable and not modelled: null


def test_every_field_of_the_organization_and_the_viewer(
    official: GraphQLSchema, server: SandboxServer, client: httpx.Client
) -> None:
    org = server.org.login
    writer, _ = writer_for(official, server)
    query = (
        f"{{ organization(login: {json.dumps(org)}) {writer.every_field('Organization')}\n"
        f"viewer {writer.every_field('User')} }}"
    )
    data, check = run_checked(client, official, query)
    assert check.checked > 500
    assert data["organization"]["login"] == org
    assert data["organization"]["repositories"]["totalCount"] == len(server.org.repositories)
    assert data["viewer"]["isSiteAdmin"] is False and data["viewer"]["login"]


def test_every_field_of_a_pull_request_found_by_search(
    official: GraphQLSchema, server: SandboxServer, client: httpx.Client
) -> None:
    writer, pr = writer_for(official, server)
    search = f"repo:{server.org.login}/{pr.repo} is:pr is:merged"
    query = (
        f"{{ search(type: ISSUE, query: {json.dumps(search)}, first: {PAGE}) {{ issueCount "
        f"nodes {{ __typename ... on PullRequest {writer.every_field('PullRequest')} }} }} }}"
    )
    data, check = run_checked(client, official, query)
    nodes = data["search"]["nodes"]
    assert nodes and all(node["__typename"] == "PullRequest" for node in nodes)
    assert check.checked > 500 and nodes[0]["merged"] is True
    assert all(node["repository"]["name"] == pr.repo for node in nodes)


def test_defaults_follow_the_field_type(client: httpx.Client, server: SandboxServer) -> None:
    """Non-null scalars answer typed zeros, enums their first value, non-null objects objects of defaults."""
    query = """
    { viewer { login isHireable isEmployee bio status { message }
        contributionsCollection { totalCommitContributions startedAt hasAnyContributions
          contributionCalendar { totalContributions colors weeks { firstDay } } }
        sponsorsListing { id } followers { totalCount } following(first: 3) { nodes { login } } }
      meta { isPasswordAuthenticationVerifiable gitIpAddresses }
      relay { viewer { login } }
      user(login: "nobody-here") { login } }
    """
    body = post(client, query)
    assert body["errors"] == [
        {
            "type": "NOT_FOUND",
            "path": ["user"],
            "locations": [{"line": 8, "column": 7}],
            "message": "Could not resolve to a User with the login of 'nobody-here'.",
        }
    ]
    viewer = body["data"]["viewer"]
    assert (viewer["isHireable"], viewer["isEmployee"], viewer["bio"], viewer["status"]) == (
        False,
        False,
        None,
        None,
    )
    collection = viewer["contributionsCollection"]
    assert collection["totalCommitContributions"] == 0 and collection["hasAnyContributions"] is False
    assert collection["startedAt"] == "1970-01-01T00:00:00Z"
    assert collection["contributionCalendar"] == {"totalContributions": 0, "colors": [], "weeks": []}
    assert viewer["followers"] == {"totalCount": 0} and viewer["following"] == {"nodes": []}
    assert body["data"]["meta"] == {"isPasswordAuthenticationVerifiable": False, "gitIpAddresses": []}
    assert body["data"]["relay"]["viewer"]["login"] == viewer["login"]
    assert body["data"]["user"] is None


def test_a_field_github_does_not_have_is_still_refused(client: httpx.Client) -> None:
    body = post(client, "query Q { viewer { login isSiteAdministrator } }")
    assert body["errors"][0]["message"] == "Field 'isSiteAdministrator' doesn't exist on type 'User'"
    assert body["errors"][0]["extensions"]["code"] == "undefinedField"


# ----- third-party clients' queries, unmodified -----
AIRBYTE_USER = "id databaseId login avatarUrl url isSiteAdmin"


def airbyte_repository_query(selection: str) -> str:
    """airbyte-source-github's repository-rooted queries: the repository's name and owner, then more."""
    head = 'query {\n  repository(owner: "%(owner)s", name: "%(repo)s") {\n    name\n    owner { login }\n'
    return head + selection + "  }\n}\n"


AIRBYTE_PULL_REQUEST_STATS = airbyte_repository_query("""
    pullRequests(first: 100, orderBy: {field: UPDATED_AT, direction: ASC}) {
      nodes {
        id databaseId number updatedAt changedFiles deletions additions merged mergeable
        canBeRebased maintainerCanModify mergeStateStatus
        comments { totalCount }
        commits { totalCount }
        review_comments: reviews(first: 100) { totalCount nodes { comments { totalCount } } }
        merged_by: mergedBy { __typename ... on User { %(user)s } }
      }
      pageInfo { hasNextPage endCursor }
    }
""")

AIRBYTE_REVIEWS = airbyte_repository_query("""
    pullRequests(first: 50, orderBy: {field: UPDATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number url
        reviews(first: 50) {
          pageInfo { hasNextPage endCursor }
          nodes {
            id databaseId body state url authorAssociation submittedAt createdAt updatedAt
            commit { oid }
            user: author { __typename ... on User { %(user)s } }
          }
        }
      }
    }
""")

AIRBYTE_REACTIONS = """
query {
  node(id: "%(pr_id)s") {
    __typename
    ... on PullRequest {
      node_id: id
      repository { name owner { login } }
      reviews(first: 5) {
        pageInfo { hasNextPage endCursor }
        totalCount
        nodes {
          node_id: id id: databaseId
          comments(first: 2) {
            pageInfo { hasNextPage endCursor }
            totalCount
            nodes {
              node_id: id id: databaseId
              reactions(first: 2) {
                pageInfo { hasNextPage endCursor }
                totalCount
                nodes { node_id: id id: databaseId content created_at: createdAt user { %(user)s } }
              }
            }
          }
        }
      }
    }
  }
}
"""

TAP_GITHUB_REPOSITORY_IDS = """
query { repo0: repository(name: "%(repo)s", owner: "%(owner)s") { nameWithOwner databaseId }
        repo1: repository(name: "no-such-repo", owner: "%(owner)s") { nameWithOwner databaseId }
        rateLimit { cost } }
"""

TAP_GITHUB_STARGAZERS = """
query repositoryStargazers($repo: String! $org: String! $nextPageCursor_0: String) {
  repository(name: $repo owner: $org) {
    stargazers(first: 100 orderBy: {field: STARRED_AT direction: DESC} after: $nextPageCursor_0) {
      pageInfo { hasNextPage_0: hasNextPage startCursor_0: startCursor endCursor_0: endCursor }
      edges {
        user: node { node_id: id id: databaseId login avatar_url: avatarUrl html_url: url
                     type: __typename site_admin: isSiteAdmin }
        starred_at: starredAt
      }
    }
  }
  rateLimit { cost }
}
"""

TAP_GITHUB_DISCUSSIONS = """
query repositoryDiscussions($repo: String!, $org: String!, $nextPageCursor_0: String) {
  repository(name: $repo, owner: $org) {
    discussions(first: 100, orderBy: {field: UPDATED_AT, direction: DESC}, after: $nextPageCursor_0) {
      pageInfo { hasNextPage_0: hasNextPage startCursor_0: startCursor endCursor_0: endCursor }
      nodes {
        node_id: id id: databaseId number title body: bodyText url created_at: createdAt
        updated_at: updatedAt closed_at: closedAt is_answered: isAnswered
        author { ... on Actor { login avatar_url: avatarUrl html_url: url type: __typename }
                 ... on User { node_id: id id: databaseId site_admin: isSiteAdmin } }
        author_association: authorAssociation
        category { node_id: id name }
        comments { comments_count: totalCount }
      }
    }
  }
  rateLimit { cost }
}
"""

TAP_GITHUB_DEPENDENCIES = """
query repositoryDependencies(
  $repo: String! $org: String! $nextPageCursor_0: String $nextPageCursor_1: String
) {
  repository(name: $repo owner: $org) {
    dependencyGraphManifests(first: 1 withDependencies: true after: $nextPageCursor_0) {
      totalCount
      pageInfo { hasNextPage_0: hasNextPage startCursor_0: startCursor endCursor_0: endCursor }
      nodes {
        filename dependenciesCount
        dependencies(first: 50 after: $nextPageCursor_1) {
          pageInfo { hasNextPage_1: hasNextPage startCursor_1: startCursor endCursor_1: endCursor }
          nodes {
            dependency: repository { node_id: id id: databaseId name_with_owner: nameWithOwner url
                                     owner { node_id: id login } }
            package_manager: packageManager package_name: packageName requirements
            has_dependencies: hasDependencies
          }
        }
      }
    }
  }
}
"""

TAP_GITHUB_PROJECTS = """
query OrganizationProjects($org: String!, $nextPageCursor_0: String) {
  organization(login: $org) {
    projectsV2(first: 100, after: $nextPageCursor_0) {
      nodes {
        closed closed_at: closedAt created_at: createdAt
        creator { login ... on User { node_id: id id: databaseId } }
        id: fullDatabaseId node_id: id number owner { node_id: id type: __typename }
        public readme resource_path: resourcePath short_description: shortDescription template title
        updated_at: updatedAt url viewer_can_update: viewerCanUpdate
      }
      pageInfo { hasNextPage_0: hasNextPage endCursor_0: endCursor startCursor_0: startCursor }
      totalCount
    }
  }
  rateLimit { cost }
}
"""


def test_airbyte_source_github_queries_run_unmodified(
    official: GraphQLSchema, server: SandboxServer, client: httpx.Client
) -> None:
    pr = busy_pull(server)
    values = {"owner": server.org.login, "repo": pr.repo, "user": AIRBYTE_USER, "pr_id": pr.node_id}
    stats = run_valid(client, official, AIRBYTE_PULL_REQUEST_STATS % values)
    pulls = {node["number"]: node for node in stats["repository"]["pullRequests"]["nodes"]}
    assert pulls[pr.number]["commits"]["totalCount"] == pr.commit_count
    assert pulls[pr.number]["review_comments"]["totalCount"] == len(pr.reviews)
    assert pulls[pr.number]["merged_by"]["isSiteAdmin"] is False
    reviews = run_valid(client, official, AIRBYTE_REVIEWS % values)
    assert reviews["repository"]["owner"]["login"] == server.org.login
    reactions = run_valid(client, official, AIRBYTE_REACTIONS % values)
    assert reactions["node"]["repository"] == {"name": pr.repo, "owner": {"login": server.org.login}}
    assert reactions["node"]["reviews"]["totalCount"] == len(pr.reviews)


def test_tap_github_queries_run_unmodified(
    official: GraphQLSchema, server: SandboxServer, client: httpx.Client
) -> None:
    repo, org = server.org.repositories[0].name, server.org.login
    ids = post(client, TAP_GITHUB_REPOSITORY_IDS % {"repo": repo, "owner": org})
    assert ids["data"]["repo0"] == {
        "nameWithOwner": f"{org}/{repo}",
        "databaseId": server.org.repositories[0].id,
    }
    assert ids["data"]["repo1"] is None and ids["errors"][0]["type"] == "NOT_FOUND"  # the tap expects this
    variables = {"repo": repo, "org": org}
    stargazers = run_valid(client, official, TAP_GITHUB_STARGAZERS, variables)["repository"]["stargazers"]
    assert stargazers["edges"] == [] and stargazers["pageInfo"]["hasNextPage_0"] is False
    discussions = run_valid(client, official, TAP_GITHUB_DISCUSSIONS, variables)["repository"]["discussions"]
    live = issue_book(server.org).discussions(repo)  # the tap reads the org's discussions as they are
    assert {node["node_id"] for node in discussions["nodes"]} == {d.node_id for d in live}
    manifests = run_valid(client, official, TAP_GITHUB_DEPENDENCIES, variables)["repository"]
    assert manifests["dependencyGraphManifests"]["totalCount"] == 0
    projects = run_valid(client, official, TAP_GITHUB_PROJECTS, {"org": org})["organization"]["projectsV2"]
    assert projects["nodes"] == [] and projects["totalCount"] == 0
