"""The rest of a GraphQL list longer than the page a listing asked for, for one issue or discussion only.

A listing asks each issue for its first 100 comments, each discussion for its first 25 comments and each of
those for its first 25 replies: a longer list would be silently short. Its ``pageInfo.endCursor`` is where
the rest starts: it is read page by page (``after: endCursor``) with a query for that one item, so a long
thread costs a few requests of its own and the listing stays as cheap as it is. The item deleted meanwhile
(GitHub answers NOT_FOUND: "Could not resolve to an Issue with the number of N.") keeps what the listing gave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dexxy_assets.payload_fields import dig
from dexxy_assets.problems import ProblemLog
from resources.github_graphql import GitHubGraphQL


@dataclass
class ConnectionRest:
    """What reading on gave: the nodes after the listed page, and why reading stopped early (else None)."""

    nodes: list[Any] = field(default_factory=list)
    vanished: str | None = None


def short(connection: Any) -> bool:
    """The connection holds more than its nodes (``totalCount`` says so)."""
    if not isinstance(connection, dict):
        return False
    return (connection.get("totalCount") or 0) > len(connection.get("nodes") or [])


def whole(connection: Any, rest: ConnectionRest) -> dict[str, Any]:
    """The connection as ``{totalCount, nodes}`` with the rest after its listed nodes (no pageInfo: once
    whole it would mislead)."""
    listed = connection if isinstance(connection, dict) else {}
    return {"totalCount": listed.get("totalCount"), "nodes": [*(listed.get("nodes") or []), *rest.nodes]}


def read_on(
    graphql: GitHubGraphQL,
    document: str,
    variables: dict[str, Any],
    owner_path: tuple[str, ...],
    child: str,
    connection: Any,
) -> ConnectionRest:
    """The nodes after ``connection``'s last page, reading ``document`` (``$after`` and ``variables``) whose
    ``owner_path`` is the issue, discussion or comment that holds ``child``. Stops at the last page, at a
    page without a cursor or nodes, or when the owner no longer resolves (``vanished``: GitHub's message)."""
    rest = ConnectionRest()
    page = (connection or {}).get("pageInfo") if isinstance(connection, dict) else None
    while isinstance(page, dict) and page.get("hasNextPage") and isinstance(page.get("endCursor"), str):
        data, unresolved = graphql.execute_partial(
            document, {**variables, "after": page["endCursor"]}, may_vanish=(".".join(owner_path),)
        )
        owner = dig(data, *owner_path)
        if not isinstance(owner, dict):
            messages = [str(e.get("message")) for e in unresolved if e.get("message")]
            rest.vanished = messages[0] if messages else f"{'.'.join(owner_path)} answered null"
            return rest
        more = owner.get(child) if isinstance(owner.get(child), dict) else {}
        nodes = [n for n in more.get("nodes") or [] if n is not None]
        if not nodes:
            break  # an empty page: nothing more to read, whatever its pageInfo says
        rest.nodes += nodes
        page = more.get("pageInfo")
    return rest


@dataclass(frozen=True)
class Owner:
    """Who holds the lists: the query that reads one on, its variables, where it answers the owner, and how
    problems name it (``issue`` / ``discussion``, the day and an example such as ``org/repo#12``)."""

    document: str
    variables: dict[str, Any]
    path: tuple[str, ...]
    entity: str
    day: dt.date
    example: str


def completed(
    graphql: GitHubGraphQL, owner: Owner, child: str, connection: Any, problems: ProblemLog, ask: bool = True
) -> tuple[dict[str, Any], str | None]:
    """``connection`` as ``{totalCount, nodes}``, the rest read on when the listing cut it short (``ask``
    and every variable known), and why the owner vanished meanwhile (counted as
    ``<entity>.vanished_while_read``); a list still short is counted as ``<entity>.<child>_truncated``."""
    rest = ConnectionRest()
    if ask and short(connection) and None not in owner.variables.values():
        rest = read_on(graphql, owner.document, owner.variables, owner.path, child, connection)
    listed = whole(connection, rest)
    if rest.vanished is not None:
        problems.add(f"{owner.entity}.vanished_while_read", owner.day, f"{owner.example}: {rest.vanished}")
    elif short(listed):
        problems.add(f"{owner.entity}.{child}_truncated", owner.day, owner.example)
    return listed, rest.vanished
