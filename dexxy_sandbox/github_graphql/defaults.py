"""GitHub's whole schema served: the sandbox's resolvers where it models a field, typed defaults elsewhere.

A third-party client asks for fields Dexxy never reads (airbyte-source-github selects `User.isSiteAdmin`,
tap-github `Repository.stargazers`); on GitHub they exist, so here they must validate and answer. `serve_all`
takes GitHub's schema (`official_schema`) and the sandbox's executable subset (`resolvers`) and binds:

- every field of the subset ("modelled") to the subset's resolver, answered from the synthetic org;
- every other field to its type's default: null where the type is nullable; otherwise `""`, `0`, `false`,
  `1970-01-01T00:00:00Z` (DateTime, GitTimestamp; Date and PreciseDateTime alike), the sandbox's web root
  (URI), 40 zeros (GitObjectID), `"0"` (BigInt), the first value of an enum, `[]` for a list;
- a connection (nullable or not) to an empty one: `totalCount: 0`, `nodes: []`, `edges: []`, a `pageInfo`
  without pages (clients read `nodes` without a null check, and GitHub never answers null there);
- any other non-null object to a `DefaultObject` of its type, whose fields (modelled or not) answer defaults
  the same way; a non-null interface or union to a `DefaultObject` of its first member type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    default_field_resolver,
)

Resolver = Callable[..., Any]
TypeResolver = Callable[[Any, GraphQLResolveInfo, GraphQLAbstractType], str | None]

EPOCH = "1970-01-01T00:00:00Z"
SCALAR_DEFAULTS: dict[str, Any] = {
    "Boolean": False,
    "Int": 0,
    "Float": 0.0,
    "String": "",
    "ID": "",
    "BigInt": "0",
    "Date": EPOCH[:10],
    "DateTime": EPOCH,
    "GitTimestamp": EPOCH,
    "PreciseDateTime": "1970-01-01T00:00:00.000Z",
    "GitObjectID": "0" * 40,
}  # other scalars (HTML, GitSSHRemote, X509Certificate, Base64String, GitRefname...): "", URI: the web root


@dataclass(frozen=True, slots=True)
class DefaultObject:
    """A value GitHub would have and the synthetic org does not model: every field answers its default."""

    type_name: str


def is_connection(graphql_type: Any) -> bool:
    """GitHub's connection types: `...Connection` objects with `pageInfo` (what `cost` counts too)."""
    return (
        isinstance(graphql_type, GraphQLObjectType)
        and graphql_type.name.endswith("Connection")
        and "pageInfo" in graphql_type.fields
    )


def _constant(value: Any) -> Resolver:
    def resolve(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        return value

    return resolve


def _web_root(source: Any, info: GraphQLResolveInfo, **args: Any) -> str:
    return info.context.data.web_root + "/"


def default_resolver(schema: GraphQLSchema, field_type: GraphQLOutputType) -> Resolver:
    """What an unmodelled field of this type answers (see the module docstring)."""
    non_null = isinstance(field_type, GraphQLNonNull)
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if isinstance(inner, GraphQLList):
        return _constant([])
    if is_connection(inner):
        return _constant(DefaultObject(inner.name))
    if not non_null:
        return _constant(None)
    if isinstance(inner, GraphQLScalarType):
        if inner.name == "URI":
            return _web_root
        return _constant(SCALAR_DEFAULTS.get(inner.name, ""))
    if isinstance(inner, GraphQLEnumType):
        return _constant(next(iter(inner.values.values())).value)
    if isinstance(inner, GraphQLObjectType):
        return _constant(DefaultObject(inner.name))
    assert isinstance(inner, GraphQLInterfaceType | GraphQLUnionType), inner
    members = schema.get_possible_types(inner)
    return _constant(DefaultObject(members[0].name) if members else None)


def _modelled(resolve: Resolver | None, fallback: Resolver) -> Resolver:
    """The subset's resolver, except on a DefaultObject, whose fields answer defaults."""
    inner = resolve or default_field_resolver

    def resolver(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        if type(source) is DefaultObject:
            return fallback(source, info, **args)
        return inner(source, info, **args)

    return resolver


def _abstract_resolver(modelled: TypeResolver) -> TypeResolver:
    def resolve_type(value: Any, info: GraphQLResolveInfo, abstract: GraphQLAbstractType) -> str | None:
        if type(value) is DefaultObject:
            return value.type_name
        return modelled(value, info, abstract)

    return resolve_type


def _subset_field(subset: GraphQLSchema, type_name: str, field_name: str) -> GraphQLField | None:
    subset_type = subset.type_map.get(type_name)
    if isinstance(subset_type, GraphQLObjectType):
        return subset_type.fields.get(field_name)
    return None


def serve_all(official: GraphQLSchema, subset: GraphQLSchema, type_of: TypeResolver) -> GraphQLSchema:
    """Bind the subset's resolvers and the defaults onto GitHub's schema (mutated and returned).

    `type_of` names the object type of a modelled value for interfaces and unions.
    """
    for named in official.type_map.values():
        if named.name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType):
            for field_name, field in named.fields.items():
                fallback = default_resolver(official, field.type)
                ours = _subset_field(subset, named.name, field_name)
                field.resolve = fallback if ours is None else _modelled(ours.resolve, fallback)
        elif isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            named.resolve_type = _abstract_resolver(type_of)
    return official
