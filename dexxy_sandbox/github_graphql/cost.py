"""GitHub's GraphQL node limit and point cost, computed from the query before it runs.

From GitHub's "Rate limits and node limits for the GraphQL API":

- every connection needs a `first` or `last` argument, within 1-100, when its `nodes` or `edges` are asked
  for (GitHub answers `followers { totalCount }` without one, as airbyte-source-github's queries rely on);
- a call may request at most 500,000 nodes: a connection contributes its limit times the limits of all the
  connections it is nested in (`repositories(first: 50) { issues(first: 10) }` is 50 + 50 x 10 = 550 nodes);
- the point cost adds up the requests needed to fulfil each unique connection, assuming every connection
  reaches its `first`/`last` limit (a connection nested in `repositories(first: 100)` needs 100 requests),
  divides by 100 and rounds to the nearest whole number, with a minimum of 1.

A connection is a field whose type is named `...Connection` and that takes `first` (one asked only for its
`totalCount` or `pageInfo` is a request of no nodes); fields reached twice under the same response name
(through fragments) are merged, so they count once, as in execution.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast,
)
from graphql.execution.values import get_directive_values
from graphql.pyutils import Undefined

MAX_PAGE_SIZE = 100
PAGED_FIELDS = frozenset({"nodes", "edges"})
MAX_NODES = 500_000


@dataclass(frozen=True)
class QueryCost:
    """What a query may cost: `requests` (before normalising), `node_count` and the point `cost`."""

    requests: int
    node_count: int

    @property
    def cost(self) -> int:
        """Requests / 100, rounded to the nearest whole number (halves up), at least 1."""
        return max(1, math.floor(self.requests / 100 + 0.5))


class QueryLimitError(Exception):
    """The query breaks a pagination or node limit; `errors` are GitHub-shaped error objects."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(error["message"]) for error in errors))
        self.errors = errors


def _location(node: FieldNode) -> list[dict[str, int]]:
    if node.loc is None:
        return []
    location = node.loc.source.get_location(node.loc.start)
    return [{"line": location.line, "column": location.column}]


class _Analyser:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        root_label: str,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.root_label = root_label
        self.requests = 0
        self.nodes = 0
        self.errors: list[dict[str, Any]] = []

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and include.get("if") is False)

    def _collect(
        self,
        parent: GraphQLNamedType,
        selection_set: SelectionSetNode,
        into: dict[str, list[tuple[GraphQLNamedType, FieldNode]]],
        seen_fragments: set[str],
    ) -> None:
        """Fields by response name, through fragments of every type condition (the merge execution does)."""
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                into.setdefault(key, []).append((parent, selection))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                self._collect(target or parent, selection.selection_set, into, seen_fragments)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen_fragments:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                self._collect(target or parent, fragment.selection_set, into, seen_fragments | {name})

    def _argument(self, field: GraphQLField, node: FieldNode, name: str) -> Any:
        for argument in node.arguments:
            if argument.name.value == name:
                value = value_from_ast(argument.value, field.args[name].type, self.variables)
                return None if value is Undefined else value
        arg = field.args.get(name)
        return None if arg is None or arg.default_value is Undefined else arg.default_value

    def walk(
        self,
        parent: GraphQLNamedType,
        selection_sets: list[SelectionSetNode],
        path: list[str],
        multiplier: int,
    ) -> None:
        grouped: dict[str, list[tuple[GraphQLNamedType, FieldNode]]] = {}
        for selection_set in selection_sets:
            self._collect(parent, selection_set, grouped, set())
        for key, entries in grouped.items():
            owner, node = entries[0]
            field = (getattr(owner, "fields", None) or {}).get(node.name.value)
            if field is None:  # __typename
                continue
            child_type = get_named_type(field.type)
            child_path = [*path, key]
            child_multiplier = multiplier
            children = [n.selection_set for _, n in entries if n.selection_set is not None]
            if child_type.name.endswith("Connection") and "first" in field.args:
                pages = self._selects_pages(child_type, children)
                limit = self._connection_limit(field, node, child_path, pages)
                if limit is None:
                    continue
                self.requests += multiplier
                self.nodes += multiplier * limit
                if self.nodes > MAX_NODES:
                    message = (
                        f"By the time this query traverses to the {node.name.value} connection, it is "
                        f"requesting up to {self.nodes:,} possible nodes which exceeds the maximum limit "
                        f"of {MAX_NODES:,}."
                    )
                    self._error("MAX_NODE_LIMIT_EXCEEDED", node, child_path, message)
                    raise QueryLimitError(self.errors)
                child_multiplier = multiplier * limit
            if children and child_multiplier > 0:
                self.walk(child_type, children, child_path, child_multiplier)

    def _error(self, kind: str, node: FieldNode, path: list[str], message: str) -> None:
        self.errors.append(
            {"type": kind, "path": [self.root_label, *path], "locations": _location(node), "message": message}
        )

    def _selects_pages(self, connection: GraphQLNamedType, selection_sets: list[SelectionSetNode]) -> bool:
        """True if the connection's `nodes` or `edges` are asked for (else `totalCount` needs no page)."""
        grouped: dict[str, list[tuple[GraphQLNamedType, FieldNode]]] = {}
        for selection_set in selection_sets:
            self._collect(connection, selection_set, grouped, set())
        return any(node.name.value in PAGED_FIELDS for entries in grouped.values() for _, node in entries)

    def _connection_limit(
        self, field: GraphQLField, node: FieldNode, path: list[str], pages: bool
    ) -> int | None:
        """The page size; 0 for a connection asked only for its count; None (and an error) if invalid."""
        name = node.name.value
        first = self._argument(field, node, "first")
        last = self._argument(field, node, "last")
        if first is None and last is None and not pages:
            return 0  # `followers { totalCount }`: GitHub answers it without `first` (one request, no nodes)
        if first is None and last is None:
            message = (
                f"You must provide a `first` or `last` value to properly paginate the `{name}` connection."
            )
            self._error("MISSING_PAGINATION_BOUNDARIES", node, path, message)
            return None
        limits = []
        for argument, value in (("first", first), ("last", last)):
            if value is None:
                continue
            if value > MAX_PAGE_SIZE:
                message = (
                    f"Requesting {value} records on the `{name}` connection exceeds the `{argument}` "
                    f"limit of {MAX_PAGE_SIZE} records."
                )
                self._error("EXCESSIVE_PAGINATION", node, path, message)
                return None
            if value < 1:
                message = f"`{argument}` on the `{name}` connection cannot be less than 1."
                self._error("INVALID_PAGINATION", node, path, message)
                return None
            limits.append(value)
        return max(limits)


def analyse_query(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None = None,
) -> QueryCost:
    """Cost and node count of a validated operation (variables coerced); QueryLimitError over a limit."""
    root = schema.get_root_type(operation.operation)
    if not isinstance(root, GraphQLObjectType):
        return QueryCost(0, 0)
    label = operation.operation.value
    if operation.name:
        label = f"{label} {operation.name.value}"
    analyser = _Analyser(schema, fragments, variables or {}, label)
    analyser.walk(root, [operation.selection_set], [], 1)
    if analyser.errors:
        raise QueryLimitError(analyser.errors)
    return QueryCost(analyser.requests, analyser.nodes)
