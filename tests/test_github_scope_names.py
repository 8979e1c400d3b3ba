"""Scope names from the environment follow GitHub's naming rules and never change a request's path."""

from __future__ import annotations

import datetime as dt

import pytest

from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.github_errors import GitHubConfigError, GitHubNotFoundError
from resources.github_names import api_path, is_login, is_repo_name, repo_path
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("acme", True),
        ("a", True),
        ("Acme-Corp-2", True),
        ("a" * 39, True),
        ("a" * 40, False),
        ("-acme", False),
        ("acme-", False),
        ("ac--me", False),
        ("ac_me", False),
        ("x/repos?y=", False),
        ("", False),
        ("acme ", False),
    ],
)
def test_logins_follow_githubs_rules(name: str, valid: bool) -> None:
    assert is_login(name) is valid


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        (".github", True),
        ("repo.name_x-y", True),
        ("r" * 100, True),
        ("r" * 101, False),
        (".", False),
        ("..", False),
        ("a/b", False),
        ("a?b", False),
        ("", False),
    ],
)
def test_repository_names_follow_githubs_rules(name: str, valid: bool) -> None:
    assert is_repo_name(name) is valid


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GITHUB_ORGS", "x/repos?y="),
        ("GITHUB_ORGS", "acme,-bad"),
        ("GITHUB_REPOS", "acme/.."),
        ("GITHUB_REPOS", "acme/app/../../orgs/other"),
        ("GITHUB_REPOS", "acme"),
        ("GITHUB_REPOS", "acme--x/app"),
    ],
)
def test_a_bad_name_in_the_environment_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv("GITHUB_ORGS", "acme")
    monkeypatch.delenv("GITHUB_REPOS", raising=False)
    monkeypatch.setenv(variable, value)
    with pytest.raises(GitHubConfigError) as raised:
        GitHubResource().scope()
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(variable)
    bad = value.split(",")[-1]
    assert repr(bad) in message


def test_good_names_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ORGS", "acme, Acme-2")
    monkeypatch.setenv("GITHUB_REPOS", "acme/.github,Acme-2/web.app_v2")
    scope = GitHubResource().scope()
    assert scope.orgs == ("acme", "Acme-2") and scope.repos == ("acme/.github", "Acme-2/web.app_v2")


def test_path_segments_are_quoted() -> None:
    assert api_path("orgs", "x/repos?y=", "members") == "orgs/x%2Frepos%3Fy%3D/members"
    assert repo_path("acme/a#b", "pulls", 7) == "repos/acme/a%23b/pulls/7"
    assert api_path("orgs", "acme", "repos") == "orgs/acme/repos"


def test_a_quoted_name_stays_one_path_segment_on_the_wire() -> None:
    with running_sandbox() as server:
        with GitHubClient(server.github_api_url, SANDBOX_TOKEN) as client:
            with pytest.raises(GitHubNotFoundError):  # unquoted, this read /orgs/{org}/repos
                client.get(api_path("orgs", f"{server.org.login}/repos?y=", "members"))
        [request] = server.request_log.entries
        assert request.template == "" and request.query == ""


def test_a_run_with_a_bad_org_reads_nothing(warehouse: WarehouseResource) -> None:
    with running_sandbox() as server:
        github = GitHubResource(
            api_url=server.github_api_url, token=SANDBOX_TOKEN, orgs=[f"{server.org.login}/repos?y="]
        )
        day = SANDBOX_UNTIL - dt.timedelta(days=1)
        result = materialize_range(warehouse, github, day, day, selection="key:github/repositories")
        assert not result.success
        assert server.request_log.total == 0
        [failure] = [event for event in result.all_events if event.is_step_failure]
        error = failure.step_failure_data.error
        while error.cause is not None:
            error = error.cause
        assert "GitHubConfigError" in error.cls_name and "is not a GitHub organisation name" in error.message
