"""Every GitHub REST endpoint of the sandbox answers with the shape GitHub's OpenAPI description documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dexxy_sandbox.openapi_validation import OpenApiResponses
from dexxy_sandbox.org_model import PullRequest, SyntheticOrg
from dexxy_sandbox.server import SandboxServer

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "specs"
GITHUB_SPEC = SPECS / "github" / "rest-api.github.com.json"
UNTIL = dt.date(2025, 3, 31)

PULLS = "/repos/{owner}/{repo}/pulls"
PULL = "/repos/{owner}/{repo}/pulls/{pull_number}"
REVIEWS = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"
COMMITS = "/repos/{owner}/{repo}/pulls/{pull_number}/commits"


@pytest.fixture(scope="module")
def spec() -> OpenApiResponses:
    if not GITHUB_SPEC.exists():
        pytest.skip(f"../shared/specs not found: {GITHUB_SPEC} (the specs live beside the repository)")
    return OpenApiResponses.load(GITHUB_SPEC)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(until=UNTIL) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": "token sandbox-token", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=server.github_api_url, headers=headers, timeout=30) as http:
        yield http


def fetch(client: httpx.Client, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response.json()


def assert_valid(spec: OpenApiResponses, template: str, payload: Any, status: str = "200") -> None:
    errors = spec.errors(template, payload, status=status)
    assert not errors, f"{template} ({status}) does not match the spec:\n" + "\n".join(errors)


def _special_pulls(org: SyntheticOrg) -> dict[str, PullRequest]:
    """PRs that exercise the awkward corners of the shapes."""
    pulls = list(org.all_pulls())
    deleted = {a.login for a in org.engineers if a.deleted}
    picks = {
        "merged": next(p for p in pulls if p.merged and p.reviews),
        "closed_unmerged": next(p for p in pulls if p.state == "closed" and not p.merged),
        "open_draft": next(p for p in pulls if p.draft),
        "deleted_author": next(p for p in pulls if p.author in deleted),
        "deleted_reviewer": next(p for p in pulls if any(r.reviewer in deleted for r in p.reviews)),
        "bot": next(p for p in pulls if p.kind == "dependency"),
        "revert": next(p for p in pulls if p.kind == "revert"),
        "null_body": next(p for p in pulls if p.body is None),
        "huge": max(pulls, key=lambda p: p.commit_count),
    }
    return picks


def test_org_level_endpoints_match_spec(
    spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    login = server.org.login
    assert_valid(spec, "/rate_limit", fetch(client, "/rate_limit"))
    assert_valid(spec, "/orgs/{org}", fetch(client, f"/orgs/{login}"))
    members = fetch(client, f"/orgs/{login}/members", per_page=100)
    assert_valid(spec, "/orgs/{org}/members", members)
    assert {m["login"] for m in members} == {a.login for a in server.org.members()}
    repos = fetch(client, f"/orgs/{login}/repos")
    assert_valid(spec, "/orgs/{org}/repos", repos)
    assert len(repos) == len(server.org.repositories)


def test_repository_and_pull_lists_match_spec(
    spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    org = server.org
    for repo in org.repositories:
        detail = fetch(client, f"/repos/{org.login}/{repo.name}")
        assert_valid(spec, "/repos/{owner}/{repo}", detail)
        assert detail["url"] == f"{server.github_api_url}/repos/{org.login}/{repo.name}"
        assert detail["html_url"] == f"{server.url}/{org.login}/{repo.name}"
        page = fetch(client, f"/repos/{org.login}/{repo.name}/pulls", state="all", per_page=100)
        assert_valid(spec, PULLS, page)


@pytest.mark.parametrize(
    "case",
    [
        "merged",
        "closed_unmerged",
        "open_draft",
        "deleted_author",
        "deleted_reviewer",
        "bot",
        "revert",
        "null_body",
        "huge",
    ],
)
def test_pull_request_endpoints_match_spec(
    case: str, spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    org = server.org
    pr = _special_pulls(org)[case]
    base = f"/repos/{org.login}/{pr.repo}/pulls/{pr.number}"
    detail = fetch(client, base)
    assert_valid(spec, PULL, detail)
    assert detail["url"] == f"{server.github_api_url}{base}"
    assert detail["html_url"] == f"{server.url}/{org.login}/{pr.repo}/pull/{pr.number}"
    assert (detail["number"], detail["merged"], detail["commits"]) == (pr.number, pr.merged, pr.commit_count)
    reviews = fetch(client, f"{base}/reviews", per_page=100)
    assert_valid(spec, REVIEWS, reviews)
    assert [r["id"] for r in reviews] == [r.id for r in pr.reviews]
    commits = fetch(client, f"{base}/commits", per_page=100)
    assert_valid(spec, COMMITS, commits)
    assert commits[0]["commit"]["author"]["date"] < detail["created_at"]


def test_deleted_users_are_null_where_github_returns_null(
    spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    """Lists and reviews show `user: null` for deleted accounts; the PR detail (non-nullable) shows ghost."""
    org = server.org
    pr = _special_pulls(org)["deleted_author"]
    listed = [
        p for p in fetch(client, f"/repos/{org.login}/{pr.repo}/pulls", state="all", per_page=100, page=1)
    ]
    pages = [listed]
    while len(pages[-1]) == 100:
        pages.append(
            fetch(
                client, f"/repos/{org.login}/{pr.repo}/pulls", state="all", per_page=100, page=len(pages) + 1
            )
        )
    item = next(p for page in pages for p in page if p["number"] == pr.number)
    assert item["user"] is None
    assert_valid(spec, PULLS, [item])
    assert fetch(client, f"/repos/{org.login}/{pr.repo}/pulls/{pr.number}")["user"]["login"] == "ghost"
    reviewed = _special_pulls(org)["deleted_reviewer"]
    reviews = fetch(client, f"/repos/{org.login}/{reviewed.repo}/pulls/{reviewed.number}/reviews")
    assert any(r["user"] is None for r in reviews)


def test_commit_authors_without_account_are_null(
    spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    org = server.org
    pr = next(p for p in org.all_pulls() if any(c.author_login is None for c in org.commits(p)))
    commits = fetch(client, f"/repos/{org.login}/{pr.repo}/pulls/{pr.number}/commits", per_page=100)
    assert_valid(spec, COMMITS, commits)
    assert any(c["author"] is None for c in commits)


@pytest.mark.parametrize("kind", ["engineer", "dependabot[bot]", "ghost", "web-flow"])
def test_users_match_spec(
    kind: str, spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    login = server.org.members()[0].login if kind == "engineer" else kind
    user = fetch(client, f"/users/{login}")
    assert_valid(spec, "/users/{username}", user)
    assert user["login"] == login


def test_errors_match_spec(spec: OpenApiResponses, client: httpx.Client, server: SandboxServer) -> None:
    for url in (f"/repos/{server.org.login}/no-such-repo", "/users/no-such-user-anywhere"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["message"] == "Not Found"
        assert_valid(
            spec,
            "/repos/{owner}/{repo}" if url.startswith("/repos") else "/users/{username}",
            response.json(),
            "404",
        )


def test_validator_rejects_a_broken_payload(
    spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    """Guards the guard: a schema check that accepts anything would make every test above pass."""
    pr = _special_pulls(server.org)["merged"]
    detail = fetch(client, f"/repos/{server.org.login}/{pr.repo}/pulls/{pr.number}")
    detail["head"]["repo"]["owner"].pop("login")
    detail["created_at"] = "2024-01-01 10:00"
    detail["html_url"] = "/relative/link"
    errors = spec.errors(PULL, detail)
    assert any("login" in e for e in errors)
    assert any("date-time" in e for e in errors)
    assert any("uri" in e for e in errors)
