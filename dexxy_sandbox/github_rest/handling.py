"""What a REST handler receives and returns: the request, paged listings, GitHub's errors, query parsing, and
the lookups of the org, repository and pull request a path names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dexxy_sandbox.github_rest.payloads import Json
from dexxy_sandbox.org.model import PullRequest, Repository, SyntheticOrg

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """An error answered with GitHub's JSON error body."""

    def __init__(self, status: int, message: str, errors: list[Json] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

    def body(self) -> Json:
        payload: Json = {"message": self.message, "documentation_url": DOCS, "status": str(self.status)}
        if self.errors:
            payload["errors"] = self.errors
        return payload


NOT_FOUND = ApiError(404, "Not Found")


@dataclass(frozen=True)
class Listing:
    """A paged list result: the pipeline slices it and writes the `Link` header.

    With an `envelope`, the page is an object instead of an array (check runs: `{total_count, check_runs}`):
    the envelope gets the page's items and the total number of items, and renders them itself."""

    items: Sequence[Any]
    render: Callable[[Any], Json]
    paging_url: str  # GitHub's canonical paging path, e.g. {root}/repositories/{id}/pulls
    envelope: Callable[[Sequence[Any], int], Json] | None = None


@dataclass(frozen=True)
class RestRequest:
    params: dict[str, Any]
    query: dict[str, str]
    query_string: str
    token: str
    body: bytes = b""


def choice(query: dict[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    """A query parameter restricted to `allowed`; anything else is GitHub's 422."""
    value = query.get(name) or default
    if value not in allowed:
        raise ApiError(422, "Validation Failed", [{"resource": "Search", "field": name, "code": "invalid"}])
    return value


def since(query: dict[str, str], name: str = "since") -> dt.datetime | None:
    """An ISO 8601 timestamp parameter (`YYYY-MM-DDTHH:MM:SSZ`); naive values are UTC."""
    raw = query.get(name)
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError as error:
        raise ApiError(
            422, "Validation Failed", [{"field": name, "code": "invalid", "value": raw}]
        ) from error
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class OrgLookup:
    """Finds what a path names (`org`, `owner`/`repo`, `repo_id`, `pull_number`); 404 otherwise."""

    def __init__(self, org: SyntheticOrg, vanished: Callable[[str, int], bool] | None = None) -> None:
        self.org = org
        self._vanished = vanished or (lambda repo, number: False)  # the `vanish_rate` fault
        self._repos_by_id = {repo.id: repo for repo in org.repositories}

    def check_org(self, params: dict[str, Any]) -> None:
        if "org_id" in params:
            if params["org_id"] != self.org.id:
                raise NOT_FOUND
        elif str(params.get("org", params.get("owner", ""))).lower() != self.org.login.lower():
            raise NOT_FOUND

    def repo(self, params: dict[str, Any]) -> Repository:
        if "repo_id" in params:
            found = self._repos_by_id.get(params["repo_id"])
        else:
            self.check_org(params)
            found = self.org.repository(params["repo"])
        if found is None:
            raise NOT_FOUND
        return found

    def vanished(self, repo: str, number: int) -> bool:
        """The `vanish_rate` fault for `repo`#`number` (a pull request's or an issue's)."""
        return self._vanished(repo, number)

    def pull_request(
        self, params: dict[str, Any], key: str = "pull_number"
    ) -> tuple[Repository, PullRequest]:
        repo = self.repo(params)
        pr = self.org.pull(repo.name, params[key])
        if pr is None or self._vanished(repo.name, pr.number):
            raise NOT_FOUND
        return repo, pr
