"""Deployments created in a window, their statuses, and — for each successful production deployment — its
change set: the commits between the previous successful deployment of the same environment and this one
(``compare``). The first successful deployment ever has no previous one, so its change set is unknown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dexxy_assets.github.staging_rows import is_production_environment
from dexxy_assets.payload_fields import parse_timestamp
from resources.github_client import GitHubClient

MAX_LOOKBACK_DEPLOYMENTS = 50  # how far before the window to look for the previous successful deployment


@dataclass(frozen=True)
class FetchedDeployment:
    repo_full_name: str
    created_at: dt.datetime
    payload: dict[str, Any]
    statuses: list[Any]
    change_set: dict[str, Any] | None  # {previous_deployment_id, base_sha, head_sha, commit_shas}


def succeeded(statuses: list[Any]) -> bool:
    return any(isinstance(s, dict) and s.get("state") == "success" for s in statuses)


def _is_production(payload: dict[str, Any]) -> bool:
    return is_production_environment(payload.get("environment"), payload.get("production_environment"))


def fetch_deployments(
    client: GitHubClient, repo: str, start: dt.datetime, end: dt.datetime
) -> list[FetchedDeployment]:
    in_window: list[tuple[dt.datetime, dict[str, Any]]] = []
    for page in client.pages(f"repos/{repo}/deployments"):
        oldest = None
        for payload in page:
            created = parse_timestamp(payload.get("created_at")) if isinstance(payload, dict) else None
            if created is None:  # unplaceable: kept in the window's first day, counted by staging
                in_window.append((start, payload if isinstance(payload, dict) else {"unparseable": payload}))
                continue
            oldest = created if oldest is None else min(oldest, created)
            if start <= created < end:
                in_window.append((created, payload))
        if oldest is not None and oldest < start:
            break
    statuses = {
        payload["id"]: list(client.paginate(f"repos/{repo}/deployments/{payload['id']}/statuses"))
        for _, payload in in_window
        if isinstance(payload.get("id"), int)
    }
    change_sets = _change_sets(client, repo, start, in_window, statuses)
    return [
        FetchedDeployment(
            repo, created, payload, statuses.get(payload.get("id"), []), change_sets.get(payload.get("id"))
        )
        for created, payload in in_window
    ]


def _change_sets(
    client: GitHubClient,
    repo: str,
    start: dt.datetime,
    in_window: list[tuple[dt.datetime, dict[str, Any]]],
    statuses: dict[int, list[Any]],
) -> dict[int, dict[str, Any]]:
    """Walk each production environment's successful deployments oldest first, comparing each with the
    one before it (looked up before the window for the first)."""
    by_environment: dict[str, list[tuple[dt.datetime, dict[str, Any]]]] = {}
    for created, payload in in_window:
        if _is_production(payload) and succeeded(statuses.get(payload.get("id"), [])):
            by_environment.setdefault(str(payload.get("environment")), []).append((created, payload))
    result: dict[int, dict[str, Any]] = {}
    for environment, successes in by_environment.items():
        successes.sort(key=lambda item: (item[0], item[1].get("id") or 0))
        previous = _previous_success(client, repo, environment, start)
        for _, payload in successes:
            if previous is not None and previous.get("sha") and payload.get("sha"):
                result[payload["id"]] = _compare(client, repo, previous, payload)
            previous = payload
    return result


def _previous_success(
    client: GitHubClient, repo: str, environment: str, start: dt.datetime
) -> dict[str, Any] | None:
    looked = 0
    for page in client.pages(f"repos/{repo}/deployments", {"environment": environment}):
        for payload in page:
            created = parse_timestamp(payload.get("created_at")) if isinstance(payload, dict) else None
            if created is None or created >= start:
                continue
            looked += 1
            if looked > MAX_LOOKBACK_DEPLOYMENTS:
                return None
            if succeeded(list(client.paginate(f"repos/{repo}/deployments/{payload['id']}/statuses"))):
                return payload
    return None


def _compare(client: GitHubClient, repo: str, base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    shas: list[str] = []
    for page in client.pages(f"repos/{repo}/compare/{base['sha']}...{head['sha']}", items_key="commits"):
        shas += [c["sha"] for c in page if isinstance(c, dict) and isinstance(c.get("sha"), str)]
    return {
        "previous_deployment_id": base.get("id"),
        "base_sha": base["sha"],
        "head_sha": head["sha"],
        "commit_shas": shas,
    }
