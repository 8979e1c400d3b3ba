"""A second third-party client, githubkit, parses every REST endpoint the project uses with its pydantic
models (generated from GitHub's own, newer, OpenAPI description), and gets installation tokens as a GitHub
App. `parsed_data` raises on any shape it does not accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from githubkit import AppAuthStrategy, AppInstallationAuthStrategy, GitHub, TokenAuthStrategy

from dexxy_sandbox.org.model import PullRequest
from dexxy_sandbox.server import SandboxServer

UNTIL = dt.date(2025, 3, 31)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(until=UNTIL) as running:
        yield running


def _client(server: SandboxServer, auth: object) -> GitHub:
    # githubkit appends paths to the base URL, so the REST root needs its trailing slash
    return GitHub(auth, base_url=server.github_api_url + "/", auto_retry=False, http_cache=False)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def gh(server: SandboxServer) -> GitHub:
    return _client(server, TokenAuthStrategy("sandbox-token"))


def _busy_pull(server: SandboxServer) -> PullRequest:
    return next(
        p for p in server.org.all_pulls() if p.comments and p.review_comments and p.merged and p.labels
    )


def test_org_repo_and_user_endpoints_parse(gh: GitHub, server: SandboxServer) -> None:
    org = server.org
    members = gh.rest.orgs.list_members(org.login, per_page=100).parsed_data
    assert {m.login for m in members} == {a.login for a in org.members()}
    repos = gh.rest.repos.list_for_org(org.login, per_page=100).parsed_data
    assert sorted(r.name for r in repos) == sorted(r.name for r in org.repositories)
    repo = gh.rest.repos.get(org.login, org.repositories[0].name).parsed_data
    assert repo.full_name == f"{org.login}/{org.repositories[0].name}"
    engineer = org.members()[0]
    assert gh.rest.users.get_by_username(engineer.login).parsed_data.id == engineer.id
    assert gh.rest.rate_limit.get().parsed_data.resources.core.limit == 5000


def test_pull_request_endpoints_parse(gh: GitHub, server: SandboxServer) -> None:
    org = server.org
    pr = _busy_pull(server)
    owner, repo, number = org.login, pr.repo, pr.number
    listed = list(gh.paginate(gh.rest.pulls.list, owner=owner, repo=repo, state="all", per_page=100))
    assert len(listed) == len(org.pulls(repo))
    detail = gh.rest.pulls.get(owner, repo, number).parsed_data
    assert (detail.comments, detail.review_comments, detail.changed_files) == (
        pr.comments,
        pr.review_comments,
        pr.changed_files,
    )
    assert len(gh.rest.pulls.list_reviews(owner, repo, number).parsed_data) == len(pr.reviews)
    assert len(gh.rest.pulls.list_commits(owner, repo, number).parsed_data) == pr.commit_count
    files = gh.rest.pulls.list_files(owner, repo, number, per_page=100).parsed_data
    assert sum(f.additions for f in files) == pr.additions
    runs = gh.rest.checks.list_for_ref(owner, repo, pr.head_sha, filter_="all").parsed_data
    assert runs.total_count == len(runs.check_runs) > 0
    comments = gh.rest.issues.list_comments(owner, repo, number).parsed_data
    assert [c.id for c in comments] == [s.id for s in pr.issue_comment_stamps]
    review_comments = gh.rest.pulls.list_review_comments(owner, repo, number).parsed_data
    assert [c.id for c in review_comments] == [s.id for s in pr.review_comment_stamps]


def test_repository_activity_endpoints_parse(gh: GitHub, server: SandboxServer) -> None:
    org = server.org
    repo = _busy_pull(server).repo
    since = org.as_of - dt.timedelta(days=14)
    issue_comments = gh.rest.issues.list_comments_for_repo(
        org.login, repo, since=since, sort="updated", direction="asc", per_page=100
    ).parsed_data
    assert issue_comments and all(c.updated_at >= since for c in issue_comments)
    review_comments = gh.rest.pulls.list_review_comments_for_repo(
        org.login, repo, since=since, sort="updated", direction="desc", per_page=100
    ).parsed_data
    assert review_comments and review_comments[0].updated_at >= review_comments[-1].updated_at
    deployments = gh.rest.repos.list_deployments(org.login, repo, environment="production").parsed_data
    assert deployments and all(d.environment == "production" for d in deployments)
    statuses = gh.rest.repos.list_deployment_statuses(org.login, repo, deployments[0].id).parsed_data
    assert statuses[-1].state == "queued"  # newest first: the queued status is the oldest
    base, head = deployments[5].sha, deployments[0].sha
    comparison = gh.rest.repos.compare_commits(org.login, repo, f"{base}...{head}").parsed_data
    assert comparison.status in ("ahead", "identical", "diverged", "behind")
    commit = gh.rest.repos.get_commit(org.login, repo, head).parsed_data
    assert commit.sha == head


def test_github_app_installation_token(server: SandboxServer) -> None:
    org = server.org
    as_app = _client(server, AppAuthStrategy(server.app_id, server.app_private_key_pem))
    token = as_app.rest.apps.create_installation_access_token(server.installation_id).parsed_data
    expires = dt.datetime.fromisoformat(token.expires_at.replace("Z", "+00:00"))
    assert token.token.startswith("ghs_") and expires > dt.datetime.now(dt.UTC)
    assert server.is_valid_token(token.token)
    with_token = _client(server, TokenAuthStrategy(token.token))
    assert with_token.rest.orgs.list_members(org.login).parsed_data
    as_installation = _client(
        server, AppInstallationAuthStrategy(server.app_id, server.app_private_key_pem, server.installation_id)
    )
    repo = org.repositories[0].name
    assert as_installation.rest.repos.get(org.login, repo).parsed_data.name == repo
