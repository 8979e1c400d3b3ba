"""The sandbox's issues and discussions as GitHub serves them, over real HTTP: REST shapes checked against
GitHub's OpenAPI description (the issue listing with its pull requests, one issue, a transferred issue's 301,
the timeline, the repository's comments), GraphQL's point cost, and a deleted discussion gone from lists
and node lookups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from dexxy_sandbox.openapi_validation import OpenApiResponses
from dexxy_sandbox.org.issue_generator import issue_book
from dexxy_sandbox.server import SandboxServer
from tests.conftest import SPECS_DIR
from tests.github_runs import SANDBOX_TOKEN
from tests.sandbox_fixtures import running_sandbox

GITHUB_SPEC = SPECS_DIR / "github" / "rest-api.github.com.json"
REPO = "/repos/{owner}/{repo}"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"token {SANDBOX_TOKEN}", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=server.github_api_url, headers=headers, timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def spec() -> OpenApiResponses:
    if not GITHUB_SPEC.exists():
        pytest.skip(f"../shared/specs not found: {GITHUB_SPEC} (the specs live beside the repository)")
    return OpenApiResponses.load(GITHUB_SPEC)


def _all(client: httpx.Client, url: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    next_url: str | None = url
    while next_url:
        answer = client.get(next_url, params=params if next_url == url else None)
        assert answer.status_code == 200, answer.text[:300]
        items += answer.json()
        next_url = answer.links.get("next", {}).get("url")
    return items


def test_the_issue_listing_holds_issues_and_pull_requests(server, client, spec) -> None:  # type: ignore[no-untyped-def]
    org, repo = server.org.login, server.org.repositories[0].name
    items = _all(client, f"/repos/{org}/{repo}/issues", state="all", per_page=50)
    assert not spec.errors(f"{REPO}/issues", items)
    pulls = [i for i in items if "pull_request" in i]
    issues = [i for i in items if "pull_request" not in i]
    assert len(pulls) == len(server.org.pulls(repo)) and pulls[0]["pull_request"]["url"].endswith(
        "/pulls/" + str(pulls[0]["number"])
    )
    assert sorted(i["number"] for i in issues) == sorted(
        i.number for i in issue_book(server.org).issues(repo)
    )
    assert not {i["number"] for i in pulls} & {i["number"] for i in issues}  # one numbering, no clash
    reasons = {i["state_reason"] for i in issues if i["state"] == "closed"}
    assert reasons <= {"completed", "not_planned"} and "completed" in reasons
    since = sorted(i["updated_at"] for i in items)[len(items) // 2]
    newer = _all(
        client, f"/repos/{org}/{repo}/issues", state="all", since=since, sort="updated", direction="asc"
    )
    assert [i["updated_at"] for i in newer] == sorted(
        i["updated_at"] for i in items if i["updated_at"] >= since
    )


def test_one_issue_its_timeline_and_the_repository_comments(server, client, spec) -> None:  # type: ignore[no-untyped-def]
    org = server.org.login
    book = issue_book(server.org)
    closed = next(i for i in book.all_issues() if i.closed_at and any(e.closer_number for e in i.events))
    one = client.get(f"/repos/{org}/{closed.repo}/issues/{closed.number}").json()
    assert not spec.errors(f"{REPO}/issues/{{issue_number}}", one)
    closer = server.org.account(closed.closed_by or "")
    expected = closer.login if closer is not None and not closer.deleted else None  # a deleted account: null
    assert (one["closed_by"] or {}).get("login") == expected and one["state_reason"] == "completed"
    timeline = client.get(f"/repos/{org}/{closed.repo}/issues/{closed.number}/timeline").json()
    assert not spec.errors(f"{REPO}/issues/{{issue_number}}/timeline", timeline)
    closing = next(e for e in timeline if e["event"] == "closed")
    merged = server.org.pull(closed.repo, next(e.closer_number for e in closed.events if e.closer_number))
    assert merged is not None and closing["commit_id"] == merged.merge_commit_sha
    comments = _all(client, f"/repos/{org}/{closed.repo}/issues/comments", per_page=100)
    assert not spec.errors(f"{REPO}/issues/comments", comments)
    on_issues = sorted(c["id"] for c in comments if "/issues/" in c["html_url"])
    assert on_issues == sorted(c.id for i in book.issues(closed.repo) for c in i.comments)


def test_a_transferred_issue_answers_301_at_its_old_address(server, client, spec) -> None:  # type: ignore[no-untyped-def]
    (old_repo, old_number), (new_repo, new_number) = next(iter(issue_book(server.org).moved.items()))
    org = server.org.login
    moved = client.get(f"/repos/{org}/{old_repo}/issues/{old_number}")
    assert moved.status_code == 301 and not spec.errors(
        f"{REPO}/issues/{{issue_number}}", moved.json(), status="301"
    )
    assert moved.json()["url"] == moved.headers["location"]
    timeline = client.get(f"/repos/{org}/{old_repo}/issues/{old_number}/timeline")
    assert timeline.status_code == 301 and timeline.headers["location"].endswith(
        f"/issues/{new_number}/timeline"
    )
    listed = _all(client, f"/repos/{org}/{new_repo}/issues", state="all", per_page=100)
    assert new_number in {i["number"] for i in listed}
    assert old_number not in {
        i["number"] for i in _all(client, f"/repos/{org}/{old_repo}/issues", state="all")
    }


ISSUES_PAGE = """
query($owner: String!, $name: String!) {
  rateLimit { cost }
  repository(owner: $owner, name: $name) {
    issues(first: 50, orderBy: {field: UPDATED_AT, direction: ASC}) {
      nodes {
        id number
        labels(first: 10) { nodes { name } }
        assignees(first: 10) { nodes { login } }
        comments(first: 10) { nodes { id } }
        timelineItems(first: 10, itemTypes: [CLOSED_EVENT]) { nodes { __typename } }
      }
    }
    discussions(first: 100) { nodes { id number } }
  }
}
"""


def test_graphql_costs_as_github_and_a_deleted_discussion_is_gone(server, client) -> None:  # type: ignore[no-untyped-def]
    book = issue_book(server.org)
    gone = book.deleted_discussions[0]
    variables = {"owner": server.org.login, "name": gone.repo}
    data = client.post("/graphql", json={"query": ISSUES_PAGE, "variables": variables}).json()["data"]
    # 1 + 50 x 4 nested connections + 1 = 202 requests: 2 points
    assert data["rateLimit"]["cost"] == 2
    assert [n["number"] for n in data["repository"]["issues"]["nodes"]] == [
        i.number for i in sorted(book.issues(gone.repo), key=lambda i: (i.updated_at, i.number))
    ][:50]
    listed = {n["id"] for n in data["repository"]["discussions"]["nodes"]}
    assert gone.node_id not in listed and listed == {d.node_id for d in book.discussions(gone.repo)}
    lookup = client.post(
        "/graphql",
        json={"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": gone.node_id}},
    )
    assert lookup.json()["data"]["node"] is None and lookup.json()["errors"][0]["type"] == "NOT_FOUND"


BY_NUMBER = """
query($owner: String!, $name: String!, $issue: Int!, $discussion: Int!) {
  repository(owner: $owner, name: $name) {
    issue(number: $issue) { number }
    discussion(number: $discussion) { number }
  }
}
"""


def test_an_unknown_issue_or_discussion_number_is_not_found_as_on_github(server, client) -> None:  # type: ignore[no-untyped-def]
    book = issue_book(server.org)
    gone = book.deleted_discussions[0]
    pull = server.org.pulls(gone.repo)[0].number  # a pull request's number holds no issue
    variables = {"owner": server.org.login, "name": gone.repo, "issue": pull, "discussion": gone.number}
    answer = client.post("/graphql", json={"query": BY_NUMBER, "variables": variables}).json()
    assert answer["data"]["repository"] == {"issue": None, "discussion": None}
    assert sorted((e["type"], e["path"][-1], e["message"]) for e in answer["errors"]) == [
        ("NOT_FOUND", "discussion", f"Could not resolve to a Discussion with the number of {gone.number}."),
        ("NOT_FOUND", "issue", f"Could not resolve to an Issue with the number of {pull}."),
    ]
    known = book.issues(gone.repo)[0]
    variables |= {"issue": known.number, "discussion": book.discussions(gone.repo)[0].number}
    answer = client.post("/graphql", json={"query": BY_NUMBER, "variables": variables}).json()
    assert "errors" not in answer and answer["data"]["repository"]["issue"] == {"number": known.number}
