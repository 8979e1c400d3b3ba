"""`POST {rest_root}/graphql`: GitHub's GraphQL API over the synthetic org.

The REST pipeline (`github_rest.GitHubRestApi`) authenticates the request, injects faults, adds the common
headers and logs it, then hands the body to `GitHubGraphQLApi.serve`, which does what api.github.com/graphql
does between those steps:

1. parse the JSON body (`query`, `variables`, `operationName`): a broken body is a 400;
2. parse and validate the document against GitHub's whole schema (`official_schema`; the fields the org does
   not model answer type-correct defaults, `defaults`);
3. check pagination and the node limit and compute the point cost from the query (`cost`);
4. spend the cost from the token's `graphql` budget, a resource of the shared `RateLimiter` separate from
   REST's `core` (`rateLimit(dryRun: true)` only reports the cost, spends nothing and runs nothing else);
5. execute with graphql-core (`resolvers`).

Query errors are answered with HTTP 200 and GitHub's error objects (`type`, `path`, `locations`,
`message`), an exhausted budget with `{"errors": [{"type": "RATE_LIMITED", ...}]}` (200, as GitHub's docs
say; `rate_limited_status=403` for the other behaviour seen in the wild). Every answer carries
`X-RateLimit-*` headers with `X-RateLimit-Resource: graphql`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_argument_values, get_variable_values

from dexxy_sandbox.github_graphql.cost import QueryCost, QueryLimitError, analyse_query
from dexxy_sandbox.github_graphql.resolvers import executable_schema, prefetch_schema
from dexxy_sandbox.github_graphql.views import GitHubGraphQLError, GraphData, RequestContext
from dexxy_sandbox.org.model import SyntheticOrg
from dexxy_sandbox.rate_limit import RateLimiter, RateWindow

RESOURCE = "graphql"
GRAPHQL_DOCS = "https://docs.github.com/graphql"

Reply = tuple[int, bytes, list[tuple[bytes, bytes]]]
Json = dict[str, Any]


def _encode(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _error_object(error: GraphQLError) -> Json:
    """GitHub's error object: `type` (when it has one), `path`, `locations`, `message`."""
    formatted: Json = {}
    original = error.original_error
    if isinstance(original, GitHubGraphQLError):
        formatted["type"] = original.kind
    if error.path is not None:
        formatted["path"] = list(error.path)
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    formatted["message"] = error.message if original is None else str(original)
    return formatted


def _validation_error(error: GraphQLError, operation_label: str) -> Json:
    """A static validation error, phrased as GitHub's API (graphql-ruby) does where the sandbox knows how."""
    message = error.message
    kind = "undefinedField" if message.startswith("Cannot query field") else None
    payload: Json = {"path": [operation_label]}
    if error.locations:
        payload["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if kind == "undefinedField":
        # graphql-core: "Cannot query field 'x' on type 'T'."; GitHub: "Field 'x' doesn't exist on type 'T'"
        parts = message.split("'")
        if len(parts) >= 4:
            payload["extensions"] = {"code": kind, "typeName": parts[3], "fieldName": parts[1]}
            message = f"Field '{parts[1]}' doesn't exist on type '{parts[3]}'"
    payload["message"] = message
    return payload


def _dry_run(operation: OperationDefinitionNode, variables: dict[str, Any], schema: Any) -> bool:
    """True if the operation asks `rateLimit(dryRun: true)` at its root."""
    rate_limit = schema.query_type.fields["rateLimit"]
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value == "rateLimit":
            if get_argument_values(rate_limit, selection, variables).get("dryRun"):
                return True
    return False


def _only_rate_limit(operation: OperationDefinitionNode) -> OperationDefinitionNode:
    """The operation with just its root `rateLimit` fields (what a dry run executes)."""
    kept = tuple(
        s
        for s in operation.selection_set.selections
        if isinstance(s, FieldNode) and s.name.value == "rateLimit"
    )
    return OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=SelectionSetNode(selections=kept),
    )


class GitHubGraphQLApi:
    """Answers GraphQL POST bodies for one org; `serve` returns (status, body, headers).

    `limiter` is the server's RateLimiter (GraphQL spends its `graphql` resource); `describe_owner(token)`
    names who a spent budget belongs to ("user ID 1", "installation ID 2"); the default is the first member.
    """

    def __init__(
        self,
        org: SyntheticOrg,
        api_root: str,
        web_root: str,
        *,
        limiter: RateLimiter,
        rate_limited_status: int = 200,
        describe_owner: Callable[[str], str] | None = None,
        vanished: Callable[[str, int], bool] | None = None,
    ) -> None:
        self.org = org
        self.limiter = limiter
        self.rate_limited_status = rate_limited_status
        self._describe_owner = describe_owner
        prefetch_schema()  # GitHub's schema takes a second or two to build: not on the start-up path
        self.data = GraphData(org, api_root, web_root)
        if vanished is not None:
            self.data.vanished = vanished
        self._documents: dict[str, Any] = {}  # parsed and validated query texts (clients repeat theirs)

    @property
    def schema(self) -> GraphQLSchema:
        """GitHub's schema with the sandbox's resolvers (`resolvers.executable_schema`, one per process)."""
        return executable_schema()

    # ----- replies -----
    def _reply(self, status: int, payload: object, window: RateWindow) -> Reply:
        return status, _encode(payload), window.headers()

    def _errors(self, errors: list[Json], window: RateWindow) -> Reply:
        return self._reply(200, {"data": None, "errors": errors}, window)

    def _rate_limited(self, token: str, window: RateWindow) -> Reply:
        owner = self._describe_owner(token) if self._describe_owner else f"user ID {self.data.viewer.id}"
        error = {"type": "RATE_LIMITED", "message": f"API rate limit exceeded for {owner}."}
        return self._reply(self.rate_limited_status, {"data": None, "errors": [error]}, window)

    # ----- the request -----
    def _document(self, text: str) -> tuple[Any, list[GraphQLError]]:
        cached = self._documents.get(text)
        if cached is not None:
            return cached, []
        try:
            document = parse(text)
        except GraphQLError as error:
            return None, [error]
        errors = validate(self.schema, document)
        if not errors:
            if len(self._documents) >= 256:
                self._documents.pop(next(iter(self._documents)))
            self._documents[text] = document
        return document, errors

    def serve(self, body: bytes, token: str) -> Reply:
        """Answer one POST body for `token` (already authenticated by the caller)."""
        window = self.limiter.state(token, RESOURCE)
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return self._reply(
                400, {"message": "Problems parsing JSON", "documentation_url": GRAPHQL_DOCS}, window
            )
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            message = "A query attribute must be specified and must be a string."
            return self._reply(200, {"errors": [{"message": message}]}, window)
        variables = payload.get("variables") or {}
        if isinstance(variables, str):
            try:
                variables = json.loads(variables) or {}
            except ValueError:
                variables = None
        if not isinstance(variables, dict):
            return self._reply(200, {"errors": [{"message": "Variables are invalid JSON."}]}, window)
        operation_name = payload.get("operationName") or None

        document, errors = self._document(payload["query"])
        if document is None:
            syntax = errors[0]
            located = [{"line": loc.line, "column": loc.column} for loc in syntax.locations or []]
            return self._reply(200, {"errors": [{"message": syntax.message, "locations": located}]}, window)
        operation = get_operation_ast(document, operation_name)
        label = "query"
        if operation is not None and operation.name is not None:
            label = f"{operation.operation.value} {operation.name.value}"
        if errors:
            return self._reply(200, {"errors": [_validation_error(e, label) for e in errors]}, window)
        if operation is None:
            message = (
                f'No operation named "{operation_name}"'
                if operation_name
                else "An operation name is required when the document has several operations."
            )
            return self._reply(200, {"errors": [{"message": message}]}, window)
        if operation.operation is not OperationType.QUERY:
            return self._reply(
                200, {"errors": [{"message": "Only queries are served by the sandbox."}]}, window
            )

        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            return self._reply(200, {"errors": [_error_object(e) for e in coerced]}, window)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        try:
            cost = analyse_query(self.schema, operation, fragments, coerced)
        except QueryLimitError as error:
            return self._errors(error.errors, window)

        dry_run = _dry_run(operation, coerced, self.schema)
        if dry_run:
            operation = _only_rate_limit(operation)
        else:
            if window.remaining <= 0:
                return self._rate_limited(token, window)
            allowed, window = self.limiter.consume(token, RESOURCE, cost.cost)
            if not allowed:
                return self._rate_limited(token, window)
        return self._execute(document, operation, fragments, variables, cost, window)

    def _execute(
        self,
        document: Any,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],  # as sent: execution coerces them again
        cost: QueryCost,
        window: RateWindow,
    ) -> Reply:
        executed = type(document)(definitions=(operation, *fragments.values()))
        request = RequestContext(self.data, cost, window)
        result = execute(
            self.schema,
            executed,
            root_value=request,  # a non-null root: `Query.relay` answers it again
            context_value=request,
            variable_values=variables,
        )
        payload: Json = {"data": result.data}
        if result.errors:
            payload["errors"] = [_error_object(e) for e in result.errors]
        return self._reply(200, payload, window)
