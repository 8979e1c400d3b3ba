"""GraphQL ``Actor`` nodes → the REST ``simple-user`` shape, for the deployment nodes that are read into the
REST shape (``deployment_graphql``). Pull requests parse their GraphQL nodes straight into records
(``graphql_records``)."""

from __future__ import annotations

from typing import Any

from dexxy_assets.github.graphql_records import actor_login


def actor(node: Any) -> dict[str, Any] | None:
    """GraphQL ``Actor`` → REST ``simple-user`` (login, id, type); None for a deleted account."""
    if not isinstance(node, dict):
        return None
    return {
        "login": actor_login(node),
        "id": node.get("databaseId"),
        "type": "Bot" if node.get("__typename") == "Bot" else "User",
    }
