"""REST handlers for issues, as GitHub answers them:

- `GET /repos/{o}/{r}/issues` lists issues *and pull requests* (those with a `pull_request` key), `state=open`
  by default, `sort=created|updated|comments`, `direction`, `since` (updated at or after), `labels`;
- `GET /repos/{o}/{r}/issues/{n}` and `.../timeline`: a transferred issue's old number answers
  `301 Moved Permanently` with the new URL (`/repositories/{id}/issues/{m}`), in `Location` and the body;
  an issue the `vanish_rate` fault deleted after it was listed answers `410 Gone` ("This issue was deleted");
- `GET /repos/{o}/{r}/issues/comments` lists the comments of the repository's issues and pull requests
  together (this route replaces the pull-request-only one of `activity.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dexxy_sandbox.github_rest.activity import ActivityHandlers
from dexxy_sandbox.github_rest.handling import (
    DOCS,
    NOT_FOUND,
    ApiError,
    Listing,
    OrgLookup,
    RestRequest,
    choice,
    since,
)
from dexxy_sandbox.github_rest.issue_payloads import IssuePayloads
from dexxy_sandbox.github_rest.payloads import Json
from dexxy_sandbox.org.issue_generator import issue_book
from dexxy_sandbox.org.issue_model import Issue, IssueBook
from dexxy_sandbox.org.model import IssueComment, PullRequest, Repository, SyntheticOrg
from dexxy_sandbox.org.revisions import PerRevision

Handler = Callable[[RestRequest], Json | Listing]


class Moved(ApiError):
    """GitHub's 301 for a transferred issue: `Location` and the body's `url` name where it is now."""

    def __init__(self, url: str) -> None:
        super().__init__(301, "Moved Permanently")
        self.url = url
        self.headers = [(b"location", url.encode())]

    def body(self) -> Json:
        return {"message": self.message, "url": self.url, "documentation_url": DOCS}


DELETED = ApiError(410, "This issue was deleted")  # GitHub's answer for an issue deleted where one can read


class IssueHandlers:
    """The issue endpoints of one org."""

    def __init__(
        self,
        org: SyntheticOrg,
        payloads: IssuePayloads,
        activity: ActivityHandlers,
        lookup: OrgLookup,
        api_root: str,
    ) -> None:
        self.org = org
        self.payloads = payloads
        self.activity = activity
        self.lookup = lookup
        self.api_root = api_root.rstrip("/")
        self._sorted: PerRevision[list[Any]] = PerRevision(lambda: org.revision)

    @property
    def book(self) -> IssueBook:
        return issue_book(self.org)

    def routes(self) -> list[tuple[str, tuple[str, ...], Handler]]:
        repo, alias, issue = (
            "/repos/{owner}/{repo}",
            "/repositories/{repo_id:int}",
            "/issues/{issue_number:int}",
        )
        return [
            (f"{repo}/issues", (f"{alias}/issues",), self.issues),
            (f"{repo}/issues/comments", (f"{alias}/issues/comments",), self.repo_comments),
            (f"{repo}{issue}", (f"{alias}{issue}",), self.issue),
            (f"{repo}{issue}/timeline", (f"{alias}{issue}/timeline",), self.timeline),
        ]

    def _paging(self, repo: Repository, suffix: str) -> str:
        return f"{self.api_root}/repositories/{repo.id}{suffix}"

    # ----- the listing -----
    def issues(self, request: RestRequest) -> Listing:
        repo = self.lookup.repo(request.params)
        query = request.query
        state = choice(query, "state", ("open", "closed", "all"), "open")
        sort = choice(query, "sort", ("created", "updated", "comments"), "created")
        direction = choice(query, "direction", ("asc", "desc"), "desc")
        items: list[Any] = self._sorted_items(repo, state, sort, direction)
        after = since(query)
        if after is not None:
            items = [item for item in items if item.updated_at >= after]
        if query.get("labels"):
            wanted = set(query["labels"].split(","))
            items = [item for item in items if wanted <= set(item.labels)]
        return Listing(items, self._render, self._paging(repo, "/issues"))

    def _render(self, item: Issue | PullRequest) -> Json:
        return self.payloads.issue(item) if isinstance(item, Issue) else self.payloads.pull_as_issue(item)

    def _sorted_items(self, repo: Repository, state: str, sort: str, direction: str) -> list[Any]:
        def build() -> list[Any]:
            items: list[Any] = [*self.book.issues(repo.name), *self.org.pulls(repo.name)]
            items = [item for item in items if state == "all" or item.state == state]
            order: dict[str, Callable[[Any], Any]] = {
                "created": lambda item: (item.created_at, item.number),
                "updated": lambda item: (item.updated_at, item.number),
                "comments": lambda item: (_comment_count(item), item.number),
            }
            return sorted(items, key=order[sort], reverse=direction == "desc")

        return self._sorted.get((repo.name, state, sort, direction), build)

    # ----- one issue -----
    def _issue(self, request: RestRequest, suffix: str = "") -> tuple[Repository, Issue | PullRequest]:
        repo = self.lookup.repo(request.params)
        number = request.params["issue_number"]
        found = self.book.issue(repo.name, number)
        if found is not None and self.lookup.vanished(repo.name, number):
            raise DELETED  # the `vanish_rate` fault: deleted after it was listed
        if found is not None:
            return repo, found
        moved = self.book.moved_to(repo.name, number)
        if moved is not None:
            target = self.org.repository(moved[0])
            assert target is not None
            raise Moved(f"{self.api_root}/repositories/{target.id}/issues/{moved[1]}{suffix}")
        _, pr = self.lookup.pull_request(request.params, "issue_number")
        return repo, pr

    def issue(self, request: RestRequest) -> Json:
        _, found = self._issue(request)
        return self.payloads.issue(found, detail=True) if isinstance(found, Issue) else self._render(found)

    def timeline(self, request: RestRequest) -> Listing:
        repo, found = self._issue(request, "/timeline")
        if not isinstance(found, Issue):
            raise NOT_FOUND  # pull-request timelines are not modelled here (see `activity.issue_events`)
        events = list(found.events)
        return Listing(
            events,
            lambda e: self.payloads.state_event(found, e),
            self._paging(repo, f"/issues/{found.number}/timeline"),
        )

    # ----- comments of the whole repository -----
    def repo_comments(self, request: RestRequest) -> Listing:
        repo = self.lookup.repo(request.params)
        query = request.query
        items: list[Any] = [*self.activity._repo_stamps(repo, "issue")]
        items += [comment for issue in self.book.issues(repo.name) for comment in issue.comments]
        after = since(query)
        if after is not None:
            items = [item for item in items if _stamp(item).updated_at >= after]
        if query.get("sort"):
            sort = choice(query, "sort", ("created", "updated"), "created")
            descending = choice(query, "direction", ("asc", "desc"), "asc") == "desc"
            field = "updated_at" if sort == "updated" else "created_at"
            items.sort(key=lambda item: (getattr(_stamp(item), field), _stamp(item).id), reverse=descending)
        else:  # ascending ids, as GitHub lists them without `sort`
            items.sort(key=lambda item: _stamp(item).id)
        return Listing(items, self._render_comment, self._paging(repo, "/issues/comments"))

    def _render_comment(self, item: Any) -> Json:
        if isinstance(item, IssueComment):
            return self.payloads.comment(item)
        return self.payloads.activity.issue_comment(self.activity._issue_comment(*item))


def _stamp(item: Any) -> Any:
    """A pull request's comment is listed as (stamp, pull request); an issue's as its `IssueComment`."""
    return item if isinstance(item, IssueComment) else item[0]


def _comment_count(item: Issue | PullRequest) -> int:
    return len(item.comments) if isinstance(item, Issue) else item.comments
