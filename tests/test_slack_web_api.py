"""The Slack client against the sandbox's Web API over HTTP: Slack's shapes, a 429's Retry-After honoured
(the message still posted once), a wrong token classified, a person Slack does not know answered as such."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from dexxy_sandbox.server import SandboxServer
from dexxy_sandbox.slack import SlackConfig
from resources.slack_client import SlackAuthError
from resources.slack_survey_message import SurveyedPullRequest, survey_message
from tests.sandbox_fixtures import running_sandbox
from tests.slack_fixtures import slack_resource


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox(engineers=6, repos=2, days=10) as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_limits(sandbox: SandboxServer) -> Iterator[None]:
    sandbox.slack.config = SlackConfig()
    yield
    sandbox.slack.config = SlackConfig()


def test_a_429_is_waited_out_for_its_retry_after(sandbox: SandboxServer) -> None:
    user = sandbox.slack.workspace.users[0]
    sandbox.slack.config = SlackConfig(rate_limit_every_n=2)  # every 2nd call answers 429, Retry-After: 1
    waits: list[float] = []
    refused = sandbox.slack.rate_limited
    posted_before = len(sandbox.slack.messages)
    pr = SurveyedPullRequest(1, "acme/api", 7, "Add a cache", None, "author")
    with slack_resource(sandbox).client(sleep=waits.append) as client:
        assert client.lookup_by_email(user.email.upper()) == user.id  # 1st call
        posted = client.post_message(survey_message(user.id, pr))  # 2nd: 429, waited, 3rd: posted
    assert waits == [1.0]
    assert sandbox.slack.rate_limited == refused + 1
    assert [m.ts for m in sandbox.slack.messages[posted_before:]] == [posted.ts]  # posted once
    assert posted.channel == "D" + user.id[1:]


def test_a_person_slack_does_not_know_is_none(sandbox: SandboxServer) -> None:
    with slack_resource(sandbox).client() as client:
        assert client.lookup_by_email("nobody@dexxy.example") is None


def test_a_wrong_token_is_classified_and_names_the_variable(sandbox: SandboxServer) -> None:
    client = slack_resource(sandbox, bot_token="xoxb-wrong").client()
    with client, pytest.raises(SlackAuthError) as error:
        client.auth_test()
    assert "invalid_auth" in str(error.value)
    assert "SLACK_BOT_TOKEN" in error.value.action


def test_the_answers_have_slacks_shapes(sandbox: SandboxServer) -> None:
    user = sandbox.slack.workspace.users[0]
    with slack_resource(sandbox).client() as client:
        assert client.auth_test()["ok"] is True
        found = client.reads.get("users.lookupByEmail", {"email": user.email})
        missing = client.reads.get("users.lookupByEmail", {"email": "nobody@dexxy.example"})
    assert found["ok"] is True and found["user"]["profile"]["email"] == user.email
    assert missing == {"ok": False, "error": "users_not_found"}


def _serve_lines(extra_env: dict[str, str]) -> dict[str, str]:
    """The env lines `dexxy sandbox serve` prints, up to the Slack bot token (the last Slack line), after an
    auth.test with them."""
    command = [sys.executable, "-m", "dexxy_sandbox.cli", "--port", "0", "--days", "10", "--engineers", "4"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **extra_env}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert process.stdout is not None
        lines: dict[str, str] = {}
        while "SLACK_BOT_TOKEN" not in lines and len(lines) < 40:
            name, _, value = process.stdout.readline().strip().partition("=")
            lines[name] = value
        answer = httpx.post(
            f"{lines['SLACK_API_URL']}/auth.test",
            headers={"Authorization": f"Bearer {lines['SLACK_BOT_TOKEN']}"},
        ).json()
        assert answer["ok"] is True
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        return lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sandbox_serve_prints_the_slack_lines_but_never_a_secret_of_yours() -> None:
    own = _serve_lines({})
    assert own["SLACK_SIGNING_SECRET"] == "sandbox-signing-secret"  # the sandbox's own: not a secret
    yours = _serve_lines({"SLACK_SIGNING_SECRET": "a-secret-of-yours"})
    assert "SLACK_SIGNING_SECRET" not in yours and "a-secret-of-yours" not in yours.values()
