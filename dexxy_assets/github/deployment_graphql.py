"""Deployments with their statuses in bulk over GraphQL, and their nodes in the REST shapes staging reads.

``Repository.deployments(first: 100, orderBy: {field: CREATED_AT, direction: DESC})`` with
``statuses(first: 100)`` inside costs 1 point per page of 100 deployments (GitHub counts 1 request for the
deployments plus 100 for their statuses connections: 101 / 100, rounded), where REST pays one request for
the list and one more per deployment for its statuses.

What GraphQL cannot say is read over REST and kept beside the node under ``_rest`` in raw:

- ``ref`` is null once a branch is deleted (a merged PR's preview) or when the deployment named a commit:
  the REST listing's ``ref`` (one request per 100 deployments, only for windows that need it);
- more than 100 statuses: the REST statuses list of that deployment.

``DeploymentStatus`` has no ``databaseId`` in GraphQL (staging does not use status ids); a deleted
account is the ``ghost`` user in GraphQL and ``creator: null`` over REST (mapped to null);
``production_environment`` does not exist in GraphQL, so production is told by the environment's name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from dexxy_assets.github.graphql_shapes import actor
from resources.github_graphql import GitHubGraphQL

PAGE_SIZE = 100
STATUSES_PAGE = 100
_ACTOR = "__typename login ... on User { databaseId } ... on Bot { databaseId }"

DEPLOYMENTS_QUERY = f"""
query Deployments($owner: String!, $name: String!, $after: String, $environments: [String!]) {{
  rateLimit {{ cost remaining resetAt nodeCount }}
  repository(owner: $owner, name: $name) {{
    deployments(first: {PAGE_SIZE}, after: $after, environments: $environments,
                orderBy: {{field: CREATED_AT, direction: DESC}}) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        id databaseId commitOid createdAt updatedAt environment originalEnvironment task description payload
        ref {{ name }}
        creator {{ {_ACTOR} }}
        statuses(first: {STATUSES_PAGE}) {{
          totalCount
          nodes {{
            id state description environment environmentUrl logUrl createdAt updatedAt
            creator {{ {_ACTOR} }}
          }}
        }}
      }}
    }}
  }}
}}
"""


def deployment_pages(
    graphql: GitHubGraphQL, repo: str, environment: str | None = None
) -> Iterator[list[Any]]:
    """Pages of deployment nodes, newest first; stop iterating to stop fetching."""
    owner, name = repo.split("/", 1)
    after: str | None = None
    while True:
        variables: dict[str, Any] = {"owner": owner, "name": name, "after": after}
        if environment is not None:
            variables["environments"] = [environment]
        data = graphql.execute(DEPLOYMENTS_QUERY, variables)
        connection = ((data.get("repository") or {}).get("deployments")) or {}
        yield list(connection.get("nodes") or [])
        page_info = connection.get("pageInfo") or {}
        if not page_info.get("hasNextPage") or not page_info.get("endCursor"):
            return
        after = page_info["endCursor"]


def status_nodes(node: Any) -> list[Any]:
    """The node's status nodes (what raw keeps), without the connection around them."""
    statuses = node.get("statuses") if isinstance(node, dict) else None
    return list((statuses or {}).get("nodes") or []) if isinstance(statuses, dict) else []


def statuses_overflow(node: Any) -> bool:
    """More statuses than one page holds: they must be read over REST."""
    statuses = node.get("statuses") if isinstance(node, dict) else None
    total = statuses.get("totalCount") if isinstance(statuses, dict) else None
    return isinstance(total, int) and total > len(status_nodes(node))


def ref_missing(node: Any) -> bool:
    return isinstance(node, dict) and not isinstance(node.get("ref"), dict)


def raw_node(node: Any) -> Any:
    """The node as raw keeps it: verbatim, its statuses in their own column."""
    if not isinstance(node, dict):
        return node
    return {key: value for key, value in node.items() if key != "statuses"}


def _creator(node: Any) -> dict[str, Any] | None:
    shaped = actor(node)
    if shaped is not None and shaped.get("login") == "ghost" and shaped.get("type") == "User":
        return None  # a deleted account: REST says creator: null
    return shaped


def _payload(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def deployment(node: Any) -> Any:
    """A raw node (with its ``_rest`` supplement) → the REST ``deployment`` fields staging reads."""
    if not isinstance(node, dict):
        return node
    supplement = node.get("_rest") if isinstance(node.get("_rest"), dict) else {}
    ref = node.get("ref")
    return {
        "id": node.get("databaseId"),
        "node_id": node.get("id"),
        "sha": node.get("commitOid"),
        "ref": ref.get("name") if isinstance(ref, dict) else supplement.get("ref"),
        "task": node.get("task"),
        "payload": _payload(node.get("payload")),
        "original_environment": node.get("originalEnvironment"),
        "environment": node.get("environment"),
        "description": node.get("description"),
        "creator": _creator(node.get("creator")),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
    }


def statuses(node: Any, nodes: list[Any]) -> list[Any]:
    """Raw status nodes → REST ``deployment-status`` fields, newest first as REST lists them (REST's own
    list when it was re-read there)."""
    supplement = node.get("_rest") if isinstance(node, dict) and isinstance(node.get("_rest"), dict) else {}
    if isinstance(supplement.get("statuses"), list):
        return supplement["statuses"]
    shaped = [
        {
            "node_id": s.get("id"),
            "state": _lower(s.get("state")),
            "description": s.get("description"),
            "environment": s.get("environment"),
            "environment_url": s.get("environmentUrl"),
            "log_url": s.get("logUrl"),
            "creator": _creator(s.get("creator")),
            "created_at": s.get("createdAt"),
            "updated_at": s.get("updatedAt"),
        }
        if isinstance(s, dict)
        else s
        for s in nodes
    ]
    dated = [s for s in shaped if isinstance(s, dict) and isinstance(s.get("created_at"), str)]
    undated = [s for s in shaped if s not in dated]
    return sorted(dated, key=lambda s: s["created_at"], reverse=True) + undated
