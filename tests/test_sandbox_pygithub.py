"""A third-party client, PyGithub, reads the sandbox as it would read api.github.com."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import github
import pytest

from dexxy_sandbox.server import SandboxServer

UNTIL = dt.date(2025, 3, 31)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(until=UNTIL) as running:
        yield running


@pytest.fixture(scope="module")
def gh(server: SandboxServer) -> Iterator[github.Github]:
    client = github.Github(
        base_url=server.github_api_url,
        auth=github.Auth.Token("sandbox-token"),
        per_page=100,
        seconds_between_requests=0,  # PyGithub throttles by default; the sandbox does not need it
        retry=None,
    )
    yield client
    client.close()


def test_org_repos_and_pulls(gh: github.Github, server: SandboxServer) -> None:
    org = server.org
    repos = list(gh.get_organization(org.login).get_repos())
    assert sorted(r.name for r in repos) == sorted(r.name for r in org.repositories)
    repo_model = max(org.repositories, key=lambda r: len(org.pulls(r.name)))
    repo = gh.get_repo(f"{org.login}/{repo_model.name}")
    assert repo.language == repo_model.language
    pulls = list(repo.get_pulls(state="all"))  # follows Link headers to /repositories/{id}/pulls
    assert len(pulls) == len(org.pulls(repo_model.name)) > 100
    assert sorted(p.number for p in pulls) == [p.number for p in org.pulls(repo_model.name)]
    by_number = {p.number: p for p in pulls}
    deleted = {a.login for a in org.engineers if a.deleted}
    for expected in org.pulls(repo_model.name):
        listed = by_number[expected.number]
        assert listed.title == expected.title
        assert listed.state == expected.state
        assert (listed.user.login if listed.user else None) == (
            None if expected.author in deleted else expected.author
        )


def test_reviews_commits_and_detail(gh: github.Github, server: SandboxServer) -> None:
    org = server.org
    everything = list(org.all_pulls())
    sample = [
        *[p for p in everything if len(p.reviews) >= 3][:3],
        max(everything, key=lambda p: p.commit_count),
    ]
    for expected in sample:
        pr = gh.get_repo(f"{org.login}/{expected.repo}").get_pull(expected.number)
        assert (pr.merged, pr.commits, pr.additions) == (
            expected.merged,
            expected.commit_count,
            expected.additions,
        )
        reviews = list(pr.get_reviews())
        assert [r.state for r in reviews] == [r.state for r in expected.reviews]
        commits = list(pr.get_commits())
        assert len(commits) == min(expected.commit_count, 250)
        assert commits[-1].sha == (
            expected.head_sha if expected.commit_count <= 250 else org.commits(expected)[249].sha
        )


def test_users_and_rate_limit(gh: github.Github, server: SandboxServer) -> None:
    engineer = server.org.members()[0]
    user = gh.get_user(engineer.login)
    assert (user.login, user.id, user.name) == (engineer.login, engineer.id, engineer.name)
    assert gh.get_user("dependabot[bot]").type == "Bot"
    core = gh.get_rate_limit().resources.core
    assert core.limit == 5000 and 0 < core.remaining < 5000
    with pytest.raises(github.UnknownObjectException):
        gh.get_user("nobody-by-this-name")
