"""`Repository.deployments` with statuses: the deployment part of the sandbox's GraphQL API.

The types, fields and arguments are GitHub's (checked against the public schema with the rest of the SDL).
What github.com does and the sandbox copies:

- `deployments(orderBy:)` defaults to `CREATED_AT ASC`; `environments:` filters by name; opaque cursors;
- `databaseId` is the REST `id`; `DeploymentStatus` has no `databaseId` (GraphQL only gives its node id);
- `payload` is the REST `payload` object as a JSON string;
- `ref` is null once the ref is gone (a deleted branch) or when the deployment named a commit, not a branch;
- `creator` of a deleted account is the `ghost` user (REST answers `creator: null`);
- `statuses` lists oldest first; `latestStatus` is the newest; `state` follows the newest status;
- the point cost of `deployments(first: 100) { nodes { statuses(first: 100) } }` is 1 (101 requests / 100),
  computed by `cost` like every other connection.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, extend_schema, parse

from dexxy_sandbox.github_graphql.views import Connection, GraphData, RefView
from dexxy_sandbox.org.github_ids import legacy_node_id
from dexxy_sandbox.org.model import Deployment, DeploymentStatus, Repository

DEPLOYMENT_SDL = """
enum DeploymentState {
  ABANDONED
  ACTIVE
  DESTROYED
  ERROR
  FAILURE
  INACTIVE
  IN_PROGRESS
  PENDING
  QUEUED
  SUCCESS
  WAITING
}

enum DeploymentStatusState {
  ERROR
  FAILURE
  INACTIVE
  IN_PROGRESS
  PENDING
  QUEUED
  SUCCESS
  WAITING
}

enum DeploymentOrderField {
  CREATED_AT
}

input DeploymentOrder {
  direction: OrderDirection!
  field: DeploymentOrderField!
}

type Deployment implements Node {
  commitOid: String!
  createdAt: DateTime!
  creator: Actor!
  databaseId: Int
  description: String
  environment: String
  id: ID!
  latestEnvironment: String
  latestStatus: DeploymentStatus
  originalEnvironment: String
  payload: String
  ref: Ref
  repository: Repository!
  state: DeploymentState
  statuses(after: String, before: String, first: Int, last: Int): DeploymentStatusConnection
  task: String
  updatedAt: DateTime!
}

type DeploymentConnection {
  edges: [DeploymentEdge]
  nodes: [Deployment]
  pageInfo: PageInfo!
  totalCount: Int!
}

type DeploymentEdge {
  cursor: String!
  node: Deployment
}

type DeploymentStatus implements Node {
  createdAt: DateTime!
  creator: Actor!
  deployment: Deployment!
  description: String
  environment: String
  environmentUrl: URI
  id: ID!
  logUrl: URI
  state: DeploymentStatusState!
  updatedAt: DateTime!
}

type DeploymentStatusConnection {
  edges: [DeploymentStatusEdge]
  nodes: [DeploymentStatus]
  pageInfo: PageInfo!
  totalCount: Int!
}

type DeploymentStatusEdge {
  cursor: String!
  node: DeploymentStatus
}

extend type Repository {
  deployments(
    after: String
    before: String
    environments: [String!]
    first: Int
    last: Int
    orderBy: DeploymentOrder = {field: CREATED_AT, direction: ASC}
  ): DeploymentConnection!
}
"""

_STATE = {"success": "ACTIVE"}  # the newest status → Deployment.state (others: the status, upper case)


@dataclass(frozen=True, slots=True)
class DeploymentStatusView:
    deployment: Deployment
    status: DeploymentStatus


def extend_with_deployments(schema: GraphQLSchema) -> GraphQLSchema:
    """The schema plus the deployment types and `Repository.deployments`."""
    return extend_schema(schema, parse(DEPLOYMENT_SDL))


def _data(info: GraphQLResolveInfo) -> GraphData:
    return info.context.data


def _deployments(repo: Repository, info: GraphQLResolveInfo, **args: Any) -> Connection:
    data = _data(info)
    environments = tuple(args.get("environments") or ())
    order = args.get("orderBy") or {}
    descending = order.get("direction", "ASC") == "DESC"

    def build() -> list[Deployment]:
        found = [
            d for d in data.org.deployments(repo.name) if not environments or d.environment in environments
        ]
        return sorted(found, key=lambda d: (d.created_at, d.id), reverse=descending)

    key = ("deployments", repo.name, environments, descending)
    return Connection(data.cache.get(key, build), args)


def _live_ref(deployment: Deployment, info: GraphQLResolveInfo) -> RefView | None:
    """The deployment's branch while it exists: the default branch, or a pull request's undeleted head."""
    data = _data(info)
    repo = data.org.repository(deployment.repo)
    if repo is None:
        return None
    if deployment.ref == repo.default_branch:
        return RefView(deployment.ref, repo)
    heads = data.cache.get(("head refs", repo.name), lambda: _head_refs(data, repo))
    if deployment.ref not in heads:
        return None  # a commit sha, or a branch the model does not know
    deleted = heads[deployment.ref]
    return RefView(deployment.ref, repo) if deleted is None or deleted > data.org.as_of else None


def _head_refs(data: GraphData, repo: Repository) -> dict[str, dt.datetime | None]:
    """Each pull request branch of the repository and when it was deleted (the first PR of a name wins)."""
    heads: dict[str, dt.datetime | None] = {}
    for pr in data.org.pulls(repo.name):
        heads.setdefault(pr.head_ref, pr.head_ref_deleted_at)
    return heads


def _statuses(deployment: Deployment, info: GraphQLResolveInfo, **args: Any) -> Connection:
    return Connection([DeploymentStatusView(deployment, s) for s in deployment.statuses], args)


def _latest_status(deployment: Deployment, info: GraphQLResolveInfo) -> DeploymentStatusView | None:
    return DeploymentStatusView(deployment, deployment.statuses[-1]) if deployment.statuses else None


def _state(deployment: Deployment, info: GraphQLResolveInfo) -> str:
    if not deployment.statuses:
        return "PENDING"
    latest = deployment.statuses[-1].state
    return _STATE.get(latest, latest.upper())


DEPLOYMENT: dict[str, Any] = {
    "commitOid": lambda d, info: d.sha,
    "createdAt": lambda d, info: d.created_at,
    "creator": lambda d, info: _data(info).actor(d.creator),
    "databaseId": lambda d, info: d.id,
    "description": lambda d, info: d.description,
    "environment": lambda d, info: d.environment,
    "id": lambda d, info: legacy_node_id("Deployment", d.id),
    "latestEnvironment": lambda d, info: d.environment,
    "latestStatus": _latest_status,
    "originalEnvironment": lambda d, info: d.environment,
    "payload": lambda d, info: json.dumps(dict(d.payload), separators=(",", ":")),
    "ref": _live_ref,
    "repository": lambda d, info: _data(info).org.repository(d.repo),
    "state": _state,
    "statuses": _statuses,
    "task": lambda d, info: d.task,
    "updatedAt": lambda d, info: d.updated_at,
}


def _environment_url(view: DeploymentStatusView) -> str:
    d = view.deployment
    return f"https://{d.repo}.{'' if d.production else 'staging.'}dexxy.example"


def _log_url(view: DeploymentStatusView, info: GraphQLResolveInfo) -> str:
    d = view.deployment
    return f"{_data(info).repo_url(d.repo)}/actions/runs/{3_500_000_000 + d.id % 400_000_000}"


DEPLOYMENT_STATUS: dict[str, Any] = {
    "createdAt": lambda v, info: v.status.created_at,
    "creator": lambda v, info: _data(info).actor(v.status.creator),
    "deployment": lambda v, info: v.deployment,
    "description": lambda v, info: v.status.description,
    "environment": lambda v, info: v.deployment.environment,
    "environmentUrl": lambda v, info: _environment_url(v),
    "id": lambda v, info: legacy_node_id("DeploymentStatus", v.status.id),
    "logUrl": _log_url,
    "state": lambda v, info: v.status.state.upper(),
    "updatedAt": lambda v, info: v.status.created_at,
}


def bind_deployment_resolvers(schema: GraphQLSchema) -> None:
    """Attach the resolvers to a schema built with `extend_with_deployments`."""
    bindings = {
        "Repository": {"deployments": _deployments},
        "Deployment": DEPLOYMENT,
        "DeploymentStatus": DEPLOYMENT_STATUS,
    }
    for type_name, resolvers in bindings.items():
        graphql_type = schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        for name, resolver in resolvers.items():
            graphql_type.fields[name].resolve = resolver
