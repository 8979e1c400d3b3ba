"""Deployments created in a window, their statuses, and — for each successful production deployment — its
change set: the commits between the previous successful deployment of the same environment and this one
(``compare``). The first successful deployment ever has no previous one, so its change set is unknown.

Two ways to read them, one warehouse:

- GraphQL (bulk): pages of 100 deployments with their statuses, newest first, until the window's start
  (1 point a page); see ``deployment_graphql``.
- REST: the list, newest first, then each deployment's statuses on ``concurrency`` threads with conditional
  requests (the ETag cache persisted in ``ops.http_cache``: a re-run answers mostly 304s, which cost nothing).

Change sets cost one ``compare`` per successful production deployment (staging and failed ones never compare);
one already computed in an earlier run for the same (previous deployment, base, head) is reused from raw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from dexxy_assets.github import deployment_graphql
from dexxy_assets.github.staging_rows import is_production_environment
from dexxy_assets.payload_fields import parse_timestamp
from resources.github_client import GitHubClient
from resources.github_graphql import GitHubGraphQL

MAX_LOOKBACK_DEPLOYMENTS = 50  # how far before the window to look for the previous successful deployment

ChangeSetKey = tuple[Any, str, str]  # (previous deployment id, base sha, head sha)


@dataclass(frozen=True)
class FetchedDeployment:
    """``payload``/``statuses`` as raw keeps them (``payload_format``); ``rest``/``rest_statuses`` in the
    REST shapes staging parses."""

    repo_full_name: str
    created_at: dt.datetime
    payload: Any
    statuses: list[Any]
    change_set: dict[str, Any] | None  # {previous_deployment_id, base_sha, head_sha, commit_shas}
    payload_format: str = "rest"
    rest: Any = None
    rest_statuses: list[Any] = field(default_factory=list)


class FetchMemory(Protocol):
    """What earlier runs left in the warehouse: ETags to revalidate, change sets already computed."""

    def load_etags(self, client: GitHubClient, urls: list[str]) -> None: ...

    def change_sets(self, deployment_ids: list[int]) -> dict[ChangeSetKey, dict[str, Any]]: ...


class NoMemory:
    def load_etags(self, client: GitHubClient, urls: list[str]) -> None:
        return None

    def change_sets(self, deployment_ids: list[int]) -> dict[ChangeSetKey, dict[str, Any]]:
        return {}


@dataclass
class _Entry:
    """One listed deployment; ``statuses`` (REST shapes) is None until read."""

    created: dt.datetime | None
    raw: Any
    rest: dict[str, Any]
    raw_statuses: list[Any] | None = None
    statuses: list[Any] | None = None
    overflowing: bool = False  # GraphQL: more statuses than its page held

    @property
    def id(self) -> Any:
        return self.rest.get("id")


def succeeded(statuses: list[Any]) -> bool:
    return any(isinstance(s, dict) and s.get("state") == "success" for s in statuses)


def _is_production(payload: dict[str, Any]) -> bool:
    return is_production_environment(payload.get("environment"), payload.get("production_environment"))


class _Source:
    """How one fetch mode lists deployments (newest first) and reads statuses it does not have yet."""

    payload_format = "rest"

    def __init__(self, client: GitHubClient, memory: FetchMemory, concurrency: int) -> None:
        self.client = client
        self.memory = memory
        self.concurrency = max(1, concurrency)

    def pages(self, repo: str, environment: str | None = None) -> Iterator[list[_Entry]]:
        params = {"environment": environment} if environment else None
        self.memory.load_etags(self.client, [self.client.list_url(f"repos/{repo}/deployments", params)])
        for page in self.client.pages(f"repos/{repo}/deployments", params):
            yield [_rest_entry(payload) for payload in page]

    def statuses_url(self, repo: str, deployment_id: Any) -> str:
        return self.client.list_url(f"repos/{repo}/deployments/{deployment_id}/statuses")

    def read_statuses(self, repo: str, entries: list[_Entry]) -> None:
        """Fill in the statuses of entries that lack them, ``concurrency`` requests at a time."""
        missing = [e for e in entries if e.statuses is None and isinstance(e.id, int)]
        if not missing:
            return
        self.memory.load_etags(self.client, [self.statuses_url(repo, e.id) for e in missing])

        def read(entry: _Entry) -> list[Any]:
            return list(self.client.paginate(f"repos/{repo}/deployments/{entry.id}/statuses"))

        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            for entry, found in zip(missing, pool.map(read, missing), strict=True):
                entry.raw_statuses = entry.statuses = found

    def finish(self, repo: str, entries: list[_Entry], start: dt.datetime) -> None:
        """Complete what the listing left out (REST: statuses)."""
        self.read_statuses(repo, entries)


class _GraphQLSource(_Source):
    payload_format = "graphql"

    def __init__(self, client: GitHubClient, memory: FetchMemory, concurrency: int) -> None:
        super().__init__(client, memory, concurrency)
        self.graphql = GitHubGraphQL(client)

    def pages(self, repo: str, environment: str | None = None) -> Iterator[list[_Entry]]:
        for nodes in deployment_graphql.deployment_pages(self.graphql, repo, environment):
            yield [_graphql_entry(node) for node in nodes]

    def read_statuses(self, repo: str, entries: list[_Entry]) -> None:
        """Statuses beyond the page GraphQL gave, read over REST into ``_rest``."""
        overflowing = [e for e in entries if e.overflowing]
        nodes = {id(e): e.raw_statuses for e in overflowing}
        for entry in overflowing:
            entry.statuses = None
        super().read_statuses(repo, overflowing)
        for entry in overflowing:
            rest_statuses, entry.raw_statuses = entry.statuses, nodes[id(entry)]
            entry.overflowing = False
            _supplement(entry, "statuses", rest_statuses)

    def finish(self, repo: str, entries: list[_Entry], start: dt.datetime) -> None:
        """Statuses beyond a page and refs GraphQL cannot name, read over REST into ``_rest``."""
        self.read_statuses(repo, entries)
        refless = {
            e.id: e for e in entries if deployment_graphql.ref_missing(e.raw) and isinstance(e.id, int)
        }
        if refless:
            self.memory.load_etags(self.client, [self.client.list_url(f"repos/{repo}/deployments")])
            for payload in _rest_listing_until(self.client, repo, set(refless), start):
                entry = refless[payload["id"]]
                _supplement(entry, "ref", payload.get("ref"))


def _supplement(entry: _Entry, key: str, value: Any) -> None:
    if isinstance(entry.raw, dict):
        entry.raw = {**entry.raw, "_rest": {**(entry.raw.get("_rest") or {}), key: value}}
        entry.rest = deployment_graphql.deployment(entry.raw)
        entry.statuses = deployment_graphql.statuses(entry.raw, entry.raw_statuses or [])


def _rest_listing_until(
    client: GitHubClient, repo: str, wanted: set[int], start: dt.datetime
) -> Iterator[dict[str, Any]]:
    """REST list entries of the wanted ids (one request per 100 deployments), newest first."""
    found: set[int] = set()
    for page in client.pages(f"repos/{repo}/deployments"):
        oldest = None
        for payload in page:
            if isinstance(payload, dict) and payload.get("id") in wanted:
                found.add(payload["id"])
                yield payload
            created = parse_timestamp(payload.get("created_at")) if isinstance(payload, dict) else None
            oldest = created if oldest is None or (created and created < oldest) else oldest
        if found >= wanted or (oldest is not None and oldest < start):
            return


def _rest_entry(payload: Any) -> _Entry:
    rest = payload if isinstance(payload, dict) else {"unparseable": payload}
    created = parse_timestamp(rest.get("created_at"))
    return _Entry(created, payload if isinstance(payload, dict) else rest, rest)


def _graphql_entry(node: Any) -> _Entry:
    raw = deployment_graphql.raw_node(node)
    rest = deployment_graphql.deployment(raw)
    rest = rest if isinstance(rest, dict) else {"unparseable": rest}
    nodes = deployment_graphql.status_nodes(node)
    entry = _Entry(parse_timestamp(rest.get("created_at")), raw, rest, nodes)
    entry.overflowing = deployment_graphql.statuses_overflow(node)
    entry.statuses = deployment_graphql.statuses(raw, nodes)
    return entry


def fetch_deployments(
    client: GitHubClient,
    repo: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    mode: str = "rest",
    concurrency: int = 4,
    memory: FetchMemory | None = None,
) -> list[FetchedDeployment]:
    """Every deployment of ``repo`` created in [start, end), with statuses and change sets."""
    memory = memory or NoMemory()
    source = (_GraphQLSource if mode == "graphql" else _Source)(client, memory, concurrency)
    in_window: list[_Entry] = []
    before: list[_Entry] = []  # listed on the way, created before the window: candidates for "previous"
    for page in source.pages(repo):
        oldest = None
        for entry in page:
            if entry.created is None:  # unplaceable: kept in the window's first day, counted by staging
                entry.created = start
                in_window.append(entry)
                continue
            oldest = entry.created if oldest is None else min(oldest, entry.created)
            if start <= entry.created < end:
                in_window.append(entry)
            elif entry.created < start:
                before.append(entry)
        if oldest is not None and oldest < start:
            break
    source.finish(repo, in_window, start)
    change_sets = _change_sets(source, repo, start, in_window, before, memory)
    return [
        FetchedDeployment(
            repo_full_name=repo,
            created_at=entry.created or start,
            payload=entry.raw,
            statuses=entry.raw_statuses or [],
            change_set=change_sets.get(entry.id),
            payload_format=source.payload_format,
            rest=entry.rest,
            rest_statuses=entry.statuses or [],
        )
        for entry in in_window
    ]


def _change_sets(
    source: _Source,
    repo: str,
    start: dt.datetime,
    in_window: list[_Entry],
    before: list[_Entry],
    memory: FetchMemory,
) -> dict[Any, dict[str, Any]]:
    """Walk each production environment's successful deployments oldest first, pairing each with the one
    before it (looked up before the window for the first), then compare the pairs not already known."""
    by_environment: dict[str, list[_Entry]] = {}
    for entry in in_window:
        if _is_production(entry.rest) and succeeded(entry.statuses or []):
            by_environment.setdefault(str(entry.rest.get("environment")), []).append(entry)
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for environment, successes in by_environment.items():
        successes.sort(key=lambda e: (e.created, e.id or 0))
        previous = _previous_success(source, repo, environment, start, before)
        for entry in successes:
            if previous is not None and previous.get("sha") and entry.rest.get("sha"):
                pairs.append((previous, entry.rest))
            previous = entry.rest
    known = memory.change_sets([head["id"] for _, head in pairs]) if pairs else {}
    result: dict[Any, dict[str, Any]] = {}
    to_compare = []
    for base, head in pairs:
        cached = known.get((base.get("id"), base["sha"], head["sha"]))
        if cached is not None and cached.get("head_sha") == head["sha"]:
            result[head["id"]] = cached
        else:
            to_compare.append((base, head))
    if to_compare:
        client = source.client
        memory.load_etags(client, [client.list_url(_compare_path(repo, b, h)) for b, h in to_compare])
        with ThreadPoolExecutor(max_workers=source.concurrency) as pool:
            compared = pool.map(lambda pair: _compare(client, repo, *pair), to_compare)
            for (_, head), change_set in zip(to_compare, compared, strict=True):
                result[head["id"]] = change_set
    return result


def _previous_success(
    source: _Source, repo: str, environment: str, start: dt.datetime, before: list[_Entry]
) -> dict[str, Any] | None:
    """The newest successful deployment of ``environment`` created before the window: first among those the
    listing already passed, then down the environment's own listing; at most MAX_LOOKBACK_DEPLOYMENTS."""
    looked: set[Any] = set()

    def candidates() -> Iterator[_Entry]:
        yield from (e for e in before if e.rest.get("environment") == environment)
        for page in source.pages(repo, environment):
            yield from (e for e in page if e.id not in looked and e.created is not None and e.created < start)

    for entry in candidates():
        if entry.id in looked:
            continue
        looked.add(entry.id)
        if len(looked) > MAX_LOOKBACK_DEPLOYMENTS:
            return None
        source.read_statuses(repo, [entry])
        if succeeded(entry.statuses or []):
            return entry.rest
    return None


def _compare_path(repo: str, base: dict[str, Any], head: dict[str, Any]) -> str:
    return f"repos/{repo}/compare/{base['sha']}...{head['sha']}"


def _compare(client: GitHubClient, repo: str, base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    shas: list[str] = []
    for page in client.pages(_compare_path(repo, base, head), items_key="commits"):
        shas += [c["sha"] for c in page if isinstance(c, dict) and isinstance(c.get("sha"), str)]
    return {
        "previous_deployment_id": base.get("id"),
        "base_sha": base["sha"],
        "head_sha": head["sha"],
        "commit_shas": shas,
    }
