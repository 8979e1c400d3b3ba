"""The `graphql_partial_rate` fault: a GraphQL 200 whose `data` is partial and whose `errors` say why.

Applied by the REST pipeline (`github_rest/app.py`) to a GraphQL answer after it was resolved, so the schema
and resolvers know nothing of it. Only what GitHub's schema lets be null is nulled, so the answer stays one a
real client can get: a search hit (`SearchResultItemConnection.nodes` is `[SearchResultItem]`) with
NOT_FOUND, as when GitHub's index still holds something deleted; or one nullable connection
(`PullRequest.reviews`, `files`, `labels`, `Commit.checkSuites`, `CheckSuite.checkRuns`: nullable in
`schema.graphql`), else one item of any `nodes` list (always nullable), else the nullable `rateLimit`, with
SERVICE_UNAVAILABLE, as when one of GitHub's backends times out during the query.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

Path = list[str | int]

NULLABLE_CONNECTIONS = frozenset({"reviews", "files", "labels", "checkSuites", "checkRuns"})
NOT_FOUND_MESSAGE = "Could not resolve to a node with the global id of '{id}'"
UNAVAILABLE_MESSAGE = (
    "Something went wrong while executing your query. This may be the result of a timeout, or it could be a "
    "GitHub bug. Please include `{request_id}` when reporting this issue."
)


def make_partial(body: bytes, kind: str, pick: int, request_id: str) -> bytes | None:
    """`body` (a GraphQL answer) with one node or connection nulled and its error added; None when it has
    nothing that may be null. `kind`: NOT_FOUND, SERVICE_UNAVAILABLE or mixed (`pick` chooses); `pick` seeds
    which node."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict):
        return None
    rng = random.Random(pick)
    if kind == "mixed":
        kind = "NOT_FOUND" if rng.random() < 0.5 else "SERVICE_UNAVAILABLE"
    hits = _search_hits(data) if kind == "NOT_FOUND" else []
    if hits:
        path, node = rng.choice(hits)
        error = _error("NOT_FOUND", NOT_FOUND_MESSAGE.format(id=node.get("id") or "unknown"), path)
    else:
        candidates = _nullable_connections(data) or _list_items(data) or _rate_limit(data)
        if not candidates:
            return None
        path = rng.choice(candidates)
        error = _error("SERVICE_UNAVAILABLE", UNAVAILABLE_MESSAGE.format(request_id=request_id), path)
    _set_null(data, path)
    answer["errors"] = [*(answer.get("errors") or []), error]
    return json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode()


def _error(kind: str, message: str, path: Path) -> dict[str, Any]:
    return {"type": kind, "path": path, "locations": [{"line": 1, "column": 1}], "message": message}


def _walk(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    """Every value under `value` with its path, parents before children."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, [*path, key])
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, [*path, index])


def _search_hits(data: dict[str, Any]) -> list[tuple[Path, dict[str, Any]]]:
    nodes = (data.get("search") or {}).get("nodes") if isinstance(data.get("search"), dict) else None
    return [
        (["search", "nodes", index], node)
        for index, node in enumerate(nodes or [])
        if isinstance(node, dict) and node
    ]


def _nullable_connections(data: dict[str, Any]) -> list[Path]:
    return [
        path
        for path, value in _walk(data, [])
        if path and path[-1] in NULLABLE_CONNECTIONS and isinstance(value, dict)
    ]


def _list_items(data: dict[str, Any]) -> list[Path]:
    return [
        path
        for path, value in _walk(data, [])
        if len(path) >= 2 and path[-2] == "nodes" and isinstance(path[-1], int) and value is not None
    ]


def _rate_limit(data: dict[str, Any]) -> list[Path]:
    return [["rateLimit"]] if isinstance(data.get("rateLimit"), dict) else []


def _set_null(data: dict[str, Any], path: Path) -> None:
    parent: Any = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = None
