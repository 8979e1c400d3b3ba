"""What the REST path fetches: repositories, members, and pull requests updated in a time window with
everything about them (1 list page per 100 PRs, then 8 requests per PR: detail, reviews, commits, files,
head-commit check runs, conversation comments, review comments, draft events)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from dexxy_assets.github.fetched import FetchedPullRequest, text_checked
from dexxy_assets.ordered_threads import ordered_map
from dexxy_assets.payload_fields import parse_timestamp
from resources.github import GitHubScope
from resources.github_client import GitHubClient
from resources.github_errors import GitHubNotFoundError
from resources.github_names import api_path, repo_path

Payload = dict[str, Any]
DRAFT_EVENT_NAMES = frozenset({"ready_for_review", "convert_to_draft"})


@dataclass(frozen=True)
class RepositoryPayload:
    org: str
    payload: Payload


@dataclass(frozen=True)
class PullRequestListing:
    """A list entry. ``number`` is None for an entry too broken to fetch: it is kept as it came, so raw holds
    it and staging counts it, in the window's first partition."""

    repo_full_name: str
    number: int | None
    updated_at: dt.datetime
    item: Payload


def list_repositories(client: GitHubClient, scope: GitHubScope) -> list[RepositoryPayload]:
    """Repositories of every org in scope (or exactly the allow-list, when one is set)."""
    if scope.repos:
        found = []
        for full_name in scope.repos:
            payload = client.get(repo_path(full_name))
            found.append(RepositoryPayload(full_name.split("/")[0], payload))
        return found
    return [
        RepositoryPayload(org, payload)
        for org in scope.orgs
        for payload in client.paginate(api_path("orgs", org, "repos"), {"type": "all", "sort": "full_name"})
    ]


def repository_names(client: GitHubClient, scope: GitHubScope) -> list[str]:
    """``owner/name`` of every repository in scope."""
    return [
        name
        for repo in list_repositories(client, scope)
        if isinstance(name := repo.payload.get("full_name"), str) and scope.allows(name)
    ]


def list_members(client: GitHubClient, org: str) -> list[Any]:
    return list(client.paginate(api_path("orgs", org, "members")))


def fetch_user_details(client: GitHubClient, logins: list[str], concurrency: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(lambda login: client.get(f"users/{login}"), logins))


def list_updated_pull_requests(
    client: GitHubClient, repo_full_name: str, start: dt.datetime, end: dt.datetime
) -> list[PullRequestListing]:
    """PRs whose ``updated_at`` is in [start, end): pages newest-updated first and stops past ``start``."""
    return [item for page in updated_pull_request_pages(client, repo_full_name, start, end) for item in page]


def updated_pull_request_pages(
    client: GitHubClient, repo_full_name: str, start: dt.datetime, end: dt.datetime
) -> Iterator[list[PullRequestListing]]:
    """``list_updated_pull_requests`` a page at a time, read as iterated: a list entry (with its head and base
    repositories, several KiB) is held only while its page is."""
    for page in client.pages(
        f"repos/{repo_full_name}/pulls", {"state": "all", "sort": "updated", "direction": "desc"}
    ):
        found = []
        for item in _listings(repo_full_name, page, start):
            if item.updated_at >= end:
                continue
            if item.updated_at < start:
                if found:
                    yield found
                return
            found.append(item)
        if found:
            yield found


_PR_LISTS = ("reviews", "commits", "files", "comments")
_ISSUE_LISTS = ("comments", "events")


def detail_urls(client: GitHubClient, listing: PullRequestListing) -> list[str]:
    """The first-page URLs fetched for one PR, for warming the ETag cache in one query (check runs are
    keyed by the head SHA, known only after the detail arrives)."""
    if listing.number is None:
        return []
    pull = f"repos/{listing.repo_full_name}/pulls/{listing.number}"
    issue = f"repos/{listing.repo_full_name}/issues/{listing.number}"
    return [
        client.url_for(pull),
        *(client.list_url(f"{pull}/{name}") for name in _PR_LISTS),
        *(client.list_url(f"{issue}/{name}") for name in _ISSUE_LISTS),
    ]


CHILD_LISTS = (
    "reviews",
    "commits",
    "files",
    "check_runs",
    "issue_comments",
    "review_comments",
    "draft_events",
)


def pull_request_lists(
    client: GitHubClient, repo: str, number: int, head_sha: str | None, children: Iterable[str] = CHILD_LISTS
) -> tuple[dict[str, list[Any]], str | None]:
    """The named child lists of one pull request, one paged REST list each; and the path that answered 404
    if the pull request vanished meanwhile (then the lists hold what was read before it)."""
    pull, issue = f"repos/{repo}/pulls/{number}", f"repos/{repo}/issues/{number}"
    readers: dict[str, tuple[str, Callable[[], Iterator[Any]]]] = {
        "reviews": (f"{pull}/reviews", lambda: client.paginate(f"{pull}/reviews")),
        "commits": (f"{pull}/commits", lambda: client.paginate(f"{pull}/commits")),
        "files": (f"{pull}/files", lambda: client.paginate(f"{pull}/files")),
        "check_runs": (
            f"repos/{repo}/commits/{head_sha}/check-runs",
            lambda: (
                client.paginate(f"repos/{repo}/commits/{head_sha}/check-runs", items_key="check_runs")
                if head_sha
                else iter(())
            ),
        ),
        "issue_comments": (f"{issue}/comments", lambda: client.paginate(f"{issue}/comments")),
        "review_comments": (f"{pull}/comments", lambda: client.paginate(f"{pull}/comments")),
        "draft_events": (
            f"{issue}/events",
            lambda: (
                e
                for e in client.paginate(f"{issue}/events")
                if isinstance(e, dict) and e.get("event") in DRAFT_EVENT_NAMES
            ),
        ),
    }
    lists: dict[str, list[Any]] = {}
    for name in children:
        path, read = readers[name]
        items = lists[name] = []
        try:
            items.extend(read())
        except GitHubNotFoundError:
            return lists, path
    return lists, None


def fetch_pull_request_details(
    client: GitHubClient, listings: list[PullRequestListing], concurrency: int
) -> list[FetchedPullRequest]:
    """Each listed pull request in full. One that answers 404 (deleted or transferred since it was listed)
    keeps what was read, its list entry standing in for a missing detail, and says what vanished."""
    return list(stream_pull_request_details(client, listings, concurrency))


def stream_pull_request_details(
    client: GitHubClient, listings: Iterable[PullRequestListing], concurrency: int
) -> Iterator[FetchedPullRequest]:
    """``fetch_pull_request_details`` as a stream, in listing order, with a bounded number of pull requests
    in flight (``ordered_map``): a window of any size is never held."""
    bad_text_before = client.suspect_bodies
    fetched = ordered_map(lambda listing: _fetch_details(client, listing), listings, concurrency)
    return text_checked(fetched, lambda: client.suspect_bodies > bad_text_before)


def _fetch_details(client: GitHubClient, listing: PullRequestListing) -> FetchedPullRequest:
    repo = listing.repo_full_name
    if listing.number is None:
        return FetchedPullRequest(repo, None, listing.updated_at, listing.item)
    path = f"repos/{repo}/pulls/{listing.number}"
    try:
        detail = client.get(path)
    except GitHubNotFoundError:
        return FetchedPullRequest(repo, listing.number, listing.updated_at, listing.item, vanished=path)
    head_sha = detail.get("head", {}).get("sha") if isinstance(detail, dict) else None
    lists, vanished = pull_request_lists(
        client, repo, listing.number, head_sha if isinstance(head_sha, str) else None
    )
    return FetchedPullRequest(
        repo_full_name=repo,
        number=listing.number,
        updated_at=listing.updated_at,
        detail=detail,
        **lists,
        vanished=vanished,
    )


def _listings(
    repo_full_name: str, page: list[Any], window_start: dt.datetime
) -> Iterator[PullRequestListing]:
    for item in page:
        entry = item if isinstance(item, dict) else {"unparseable_item": item}
        updated_at = parse_timestamp(entry.get("updated_at"))
        number = entry.get("number")
        if updated_at is None or not isinstance(number, int) or isinstance(number, bool):
            yield PullRequestListing(repo_full_name, None, updated_at or window_start, entry)
        else:
            yield PullRequestListing(repo_full_name, number, updated_at, entry)
