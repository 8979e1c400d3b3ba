"""Every GitHub REST endpoint of the sandbox answers with the shape GitHub's OpenAPI description documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dexxy_sandbox.openapi_validation import OpenApiResponses
from dexxy_sandbox.org.model import PullRequest, SyntheticOrg
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


def assert_valid(
    spec: OpenApiResponses, template: str, payload: Any, status: str = "200", method: str = "get"
) -> None:
    errors = spec.errors(template, payload, method=method, status=status)
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


# ----- activity around pull requests: files, checks, comments, events, deployments, compare, commits -----
FILES = "/repos/{owner}/{repo}/pulls/{pull_number}/files"
CHECK_RUNS = "/repos/{owner}/{repo}/commits/{ref}/check-runs"
ISSUE_COMMENTS = "/repos/{owner}/{repo}/issues/{issue_number}/comments"
ISSUE_EVENTS = "/repos/{owner}/{repo}/issues/{issue_number}/events"
REVIEW_COMMENTS = "/repos/{owner}/{repo}/pulls/{pull_number}/comments"
REPO_ISSUE_COMMENTS = "/repos/{owner}/{repo}/issues/comments"
REPO_REVIEW_COMMENTS = "/repos/{owner}/{repo}/pulls/comments"
DEPLOYMENTS = "/repos/{owner}/{repo}/deployments"
DEPLOYMENT = "/repos/{owner}/{repo}/deployments/{deployment_id}"
STATUSES = "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses"
COMPARE = "/repos/{owner}/{repo}/compare/{basehead}"
COMMIT = "/repos/{owner}/{repo}/commits/{ref}"
ACCESS_TOKEN = "/app/installations/{installation_id}/access_tokens"


def _activity_pulls(org: SyntheticOrg) -> dict[str, PullRequest]:
    pulls = list(org.all_pulls())
    return {
        "conversation": next(p for p in pulls if p.comments and p.review_comments and p.merged),
        "threads": next(p for p in pulls if any(s.in_reply_to_id for s in p.review_comment_stamps)),
        "bot_comments": next(
            p for p in pulls if any(s.author.endswith("[bot]") for s in p.review_comment_stamps)
        ),
        "renames": next(p for p in pulls if any(f.status == "renamed" for f in org.files(p))),
        "revert": next(p for p in pulls if p.kind == "revert"),
        "dependency": next(p for p in pulls if p.kind == "dependency"),
        "draft_history": next(p for p in pulls if p.draft_events),
        "deleted_author": next(p for p in pulls if p.author in {a.login for a in org.engineers if a.deleted}),
        "huge": max(pulls, key=lambda p: p.commit_count),
        "open": next(p for p in reversed(pulls) if p.state == "open" and not p.draft),
    }


@pytest.mark.parametrize(
    "case",
    [
        "conversation",
        "threads",
        "bot_comments",
        "renames",
        "revert",
        "dependency",
        "draft_history",
        "deleted_author",
        "huge",
        "open",
    ],
)
def test_pull_request_activity_matches_spec(
    case: str, spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    org = server.org
    pr = _activity_pulls(org)[case]
    repo = f"/repos/{org.login}/{pr.repo}"
    files = fetch(client, f"{repo}/pulls/{pr.number}/files", per_page=100)
    assert_valid(spec, FILES, files)
    assert [f["filename"] for f in files] == [f.filename for f in org.files(pr)][:100]
    runs = fetch(client, f"{repo}/commits/{pr.head_sha}/check-runs", filter="all")
    assert_valid(spec, CHECK_RUNS, runs)
    assert runs["total_count"] == len(org.check_runs_for(pr, pr.commit_count - 1))
    comments = fetch(client, f"{repo}/issues/{pr.number}/comments", per_page=100)
    assert_valid(spec, ISSUE_COMMENTS, comments)
    assert len(comments) == pr.comments
    review_comments = fetch(client, f"{repo}/pulls/{pr.number}/comments", per_page=100)
    assert_valid(spec, REVIEW_COMMENTS, review_comments)
    assert len(review_comments) == pr.review_comments
    events = fetch(client, f"{repo}/issues/{pr.number}/events", per_page=100)
    assert_valid(spec, ISSUE_EVENTS, events)
    for ref in (pr.head_sha, *([pr.merge_commit_sha] if pr.merged and pr.merge_commit_sha else [])):
        assert_valid(spec, COMMIT, fetch(client, f"{repo}/commits/{ref}"))
    if pr.merged:
        assert_valid(spec, CHECK_RUNS, fetch(client, f"{repo}/commits/{pr.merge_commit_sha}/check-runs"))


def test_repository_activity_matches_spec(
    spec: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    org = server.org
    for repo_model in org.repositories:
        repo = f"/repos/{org.login}/{repo_model.name}"
        issue_comments = fetch(client, f"{repo}/issues/comments", per_page=100)
        assert_valid(spec, REPO_ISSUE_COMMENTS, issue_comments)
        review_comments = fetch(
            client, f"{repo}/pulls/comments", per_page=100, sort="updated", direction="desc"
        )
        assert_valid(spec, REPO_REVIEW_COMMENTS, review_comments)
        deployments = fetch(client, f"{repo}/deployments", per_page=100)
        assert_valid(spec, DEPLOYMENTS, deployments)
        assert deployments and all(d["environment"] in ("production", "staging") for d in deployments)
        for deployment in (deployments[0], deployments[-1]):
            assert_valid(spec, DEPLOYMENT, fetch(client, f"{repo}/deployments/{deployment['id']}"))
            statuses = fetch(client, f"{repo}/deployments/{deployment['id']}/statuses")
            assert_valid(spec, STATUSES, statuses)
            assert statuses
        production = [d for d in org.deployments(repo_model.name) if d.production and d.state == "success"]
        base, head = production[len(production) // 2], production[-1]
        comparison = fetch(client, f"{repo}/compare/{base.sha}...{head.sha}")
        assert_valid(spec, COMPARE, comparison)
        paged = fetch(client, f"{repo}/compare/{base.sha}...{head.sha}", per_page=5, page=2)
        assert_valid(spec, COMPARE, paged)
        assert paged["files"] == []  # files come with the first page only


def test_installation_token_matches_spec(spec: OpenApiResponses, server: SandboxServer) -> None:
    jwt = server.app.make_jwt()
    response = httpx.post(
        f"{server.github_api_url}/app/installations/{server.installation_id}/access_tokens",
        headers={"Authorization": f"Bearer {jwt}", "Accept": "application/vnd.github+json"},
    )
    assert response.status_code == 201, response.text
    assert_valid(spec, ACCESS_TOKEN, response.json(), "201", "post")
    expired = httpx.post(
        f"{server.github_api_url}/app/installations/{server.installation_id}/access_tokens",
        headers={"Authorization": f"Bearer {server.app.make_jwt(issued_at=1_600_000_000)}"},
    )
    assert expired.status_code == 401
    assert_valid(spec, ACCESS_TOKEN, expired.json(), "401", "post")
    unknown = httpx.post(
        f"{server.github_api_url}/app/installations/1/access_tokens",
        headers={"Authorization": f"Bearer {jwt}"},
    )
    assert unknown.status_code == 404
    assert_valid(spec, ACCESS_TOKEN, unknown.json(), "404", "post")
