"""Every GraphQL document the project sends is valid against GitHub's published schema."""

from __future__ import annotations

from functools import lru_cache

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate

from dexxy_assets.github.graphql_queries import ALL_DOCUMENTS
from dexxy_sandbox.github_graphql.cost import analyse_query
from tests.conftest import SPECS_DIR

SCHEMA_PATH = SPECS_DIR / "github" / "schema.graphql"


@lru_cache(maxsize=1)
def github_schema() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text(), assume_valid=True)


@pytest.mark.parametrize("name", sorted(ALL_DOCUMENTS))
def test_document_is_valid_against_githubs_schema(name: str) -> None:
    if not SCHEMA_PATH.exists():
        pytest.skip(f"../shared/specs not found: {SCHEMA_PATH} (the specs live beside the repository)")
    errors = validate(github_schema(), parse(ALL_DOCUMENTS[name]))
    assert [e.message for e in errors] == []


def test_validation_catches_a_wrong_field() -> None:
    if not SCHEMA_PATH.exists():
        pytest.skip(f"../shared/specs not found: {SCHEMA_PATH}")
    errors = validate(github_schema(), parse('{ search(type: ISSUE, query: "x", first: 1) { issueCounts } }'))
    assert errors


def test_a_page_of_a_hundred_fully_detailed_pull_requests_costs_17_points() -> None:
    """GitHub's formula (every nested connection is one request per parent, / 100) over the published schema:
    8 first-level connections, 8 review threads' comments and the head commit's check-run rollup. Check
    suites and their runs cost 4 requests where the rollup costs 1: 20 points a page before."""
    if not SCHEMA_PATH.exists():
        pytest.skip(f"../shared/specs not found: {SCHEMA_PATH}")
    document = parse(ALL_DOCUMENTS["SEARCH_PULL_REQUESTS"])
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    variables = {"query": "org:o is:pr", "first": 100, "after": None}
    assert analyse_query(github_schema(), operation, {}, variables).cost == 17
