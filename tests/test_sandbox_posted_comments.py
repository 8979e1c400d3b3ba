"""A comment Dexxy posts to a pull request (the PR survey's GitHub comment) shows wherever GitHub shows it:
the repository's comment listing (with `since`), the comment's own URL, GraphQL's `PullRequest.comments`, and
the pull request itself, whose `updated_at` and `comments` follow (so every `updated` order moves it). The
simulated author's `/ai` reply can be switched off (`dexxy sandbox serve --no-simulated-replies`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from dexxy_sandbox.cli import serve
from dexxy_sandbox.github_rest.comment_posting import REPLY_DELAY
from dexxy_sandbox.org.model import PullRequest
from dexxy_sandbox.server import SandboxServer
from tests.github_runs import SANDBOX_TOKEN
from tests.sandbox_fixtures import SANDBOX_UNTIL

AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
_SMALL = {
    "seed": 5,
    "engineers": 4,
    "repos": 2,
    "days": 10,
    "until": SANDBOX_UNTIL,
    "tokens": (SANDBOX_TOKEN,),
}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(**_SMALL, rate_limit_per_hour=100_000, simulated_replies=False) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.github_api_url, headers=AUTH, timeout=30) as http:
        yield http


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _merged_pull(server: SandboxServer, index: int) -> PullRequest:
    """A merged pull request that is not the most recently updated one (so a bump must move it)."""
    repo = server.org.repositories[0].name
    merged = sorted((p for p in server.org.pulls(repo) if p.merged), key=lambda p: p.updated_at)
    return merged[index]


def _post(client: httpx.Client, server: SandboxServer, pr: PullRequest, body: str) -> dict[str, Any]:
    response = client.post(
        f"/repos/{server.org.login}/{pr.repo}/issues/{pr.number}/comments", json={"body": body}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _all_pages(client: httpx.Client, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    response = client.get(path, params={**params, "per_page": "100"})
    while True:
        assert response.status_code == 200, response.text
        items += response.json()
        following = response.links.get("next")
        if not following:
            return items
        response = client.get(following["url"])


def _graphql(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "errors" not in answer, answer
    return answer["data"]  # type: ignore[no-any-return]


def test_a_posted_comment_is_in_the_repository_listing_with_since(
    client: httpx.Client, server: SandboxServer
) -> None:
    pr = _merged_pull(server, 0)
    listing = f"/repos/{server.org.login}/{pr.repo}/issues/comments"
    before = _all_pages(client, listing, {})
    posted = _post(client, server, pr, "Thanks! A question for the author.")
    after = _all_pages(client, listing, {})
    assert [c["id"] for c in after] == [c["id"] for c in before] + [posted["id"]]  # ascending ids
    assert after[-1] == posted
    assert after[-1]["issue_url"].endswith(f"/issues/{pr.number}")

    created = dt.datetime.fromisoformat(posted["created_at"].replace("Z", "+00:00"))
    newer = _all_pages(client, listing, {"since": _iso(created)})
    assert posted["id"] in [c["id"] for c in newer]
    assert all(c["updated_at"] >= posted["updated_at"] for c in newer)  # since: updated at or after
    later = _all_pages(client, listing, {"since": _iso(created + dt.timedelta(seconds=1))})
    assert posted["id"] not in [c["id"] for c in later]
    newest_first = client.get(listing, params={"sort": "created", "direction": "desc", "per_page": "1"})
    assert [c["id"] for c in newest_first.json()] == [posted["id"]]
    one = client.get(f"/repos/{server.org.login}/{pr.repo}/issues/comments/{posted['id']}")
    assert one.status_code == 200 and one.json() == posted


_PULL_COMMENTS = """
query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) { updatedAt comments(last: 2) { totalCount nodes { databaseId body } } }
  }
}"""
_PULLS_BY_UPDATE = """
query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: 1, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { number updatedAt } }
  }
}"""


def test_a_posted_comment_bumps_the_pull_request_everywhere(
    client: httpx.Client, server: SandboxServer
) -> None:
    pr = _merged_pull(server, 1)
    owner, name = server.org.login, pr.repo
    variables = {"owner": owner, "name": name}
    # the listings ordered by update are built (and kept) before the comment …
    by_update_query = {"state": "all", "sort": "updated", "direction": "desc"}
    issues_query = {"state": "all", "sort": "updated", "direction": "desc"}
    assert client.get(f"/repos/{owner}/{name}/pulls", params=by_update_query).json()[0]["number"] != pr.number
    assert client.get(f"/repos/{owner}/{name}/issues", params=issues_query).json()[0]["number"] != pr.number
    assert (
        _graphql(client, _PULLS_BY_UPDATE, **variables)["repository"]["pullRequests"]["nodes"][0]["number"]
        != pr.number
    )
    shown_before = client.get(f"/repos/{owner}/{name}/pulls/{pr.number}").json()

    posted = _post(client, server, pr, "A note on this change.")

    # … and after it the pull request is the most recently updated one, as on GitHub
    shown = client.get(f"/repos/{owner}/{name}/pulls/{pr.number}").json()
    assert shown["updated_at"] == posted["created_at"] > shown_before["updated_at"]
    assert shown["comments"] == shown_before["comments"] + 1
    as_issue = client.get(f"/repos/{owner}/{name}/issues/{pr.number}").json()
    assert as_issue["updated_at"] == posted["created_at"] and as_issue["comments"] == shown["comments"]
    assert client.get(f"/repos/{owner}/{name}/pulls", params=by_update_query).json()[0]["number"] == pr.number
    assert client.get(f"/repos/{owner}/{name}/issues", params=issues_query).json()[0]["number"] == pr.number
    issues_since = client.get(
        f"/repos/{owner}/{name}/issues", params={"state": "all", "since": posted["created_at"]}
    ).json()
    # newest first; another test's comment posted within the same second may be listed after it
    assert issues_since[0]["number"] == pr.number
    assert all(i["updated_at"] >= posted["created_at"] for i in issues_since)
    newest = _graphql(client, _PULLS_BY_UPDATE, **variables)["repository"]["pullRequests"]["nodes"]
    assert newest == [{"number": pr.number, "updatedAt": posted["created_at"]}]
    conversation = _graphql(client, _PULL_COMMENTS, **variables, number=pr.number)["repository"][
        "pullRequest"
    ]
    assert conversation["updatedAt"] == posted["created_at"]
    assert conversation["comments"]["nodes"][-1] == {"databaseId": posted["id"], "body": posted["body"]}
    assert conversation["comments"]["totalCount"] == shown["comments"]
    listed = _all_pages(client, f"/repos/{owner}/{name}/issues/{pr.number}/comments", {})
    assert len(listed) == shown["comments"]


def _survey(pr: PullRequest) -> str:
    return f"@{pr.author} how much of this pull request was written with AI? Reply `/ai none|some|most`."


def test_without_simulated_replies_nobody_answers_the_survey(
    client: httpx.Client, server: SandboxServer
) -> None:
    pr = _merged_pull(server, 2)
    posted = _post(client, server, pr, _survey(pr))
    comments = _all_pages(client, f"/repos/{server.org.login}/{pr.repo}/issues/{pr.number}/comments", {})
    assert comments[-1]["id"] == posted["id"]  # the survey is the last word


def test_with_simulated_replies_the_author_answers() -> None:
    """The default: the author replies `/ai ...` 90 s after the survey (seeded; a share never answer)."""
    with (
        SandboxServer(**_SMALL) as running,
        httpx.Client(base_url=running.github_api_url, headers=AUTH, timeout=30) as http,
    ):
        replied = []
        for pr in [p for repo in running.org.repositories for p in running.org.pulls(repo.name) if p.merged][
            :8
        ]:
            posted = _post(http, running, pr, _survey(pr))
            listed = _all_pages(http, f"/repos/{running.org.login}/{pr.repo}/issues/{pr.number}/comments", {})
            if listed[-1]["id"] != posted["id"]:
                reply = listed[-1]
                assert reply["user"]["login"] == pr.author and reply["body"].startswith("/ai ")
                sent = dt.datetime.fromisoformat(posted["created_at"].replace("Z", "+00:00"))
                assert reply["created_at"] == _iso(sent + REPLY_DELAY)
                replied.append(pr.number)
    assert replied  # most answer


class _Captured(SandboxServer):
    """The server `serve` builds, kept for the test and never started."""

    built: SandboxServer | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type(self).built = self
        raise SystemExit(0)  # before it starts serving forever


@pytest.mark.parametrize(("flags", "replies"), [([], True), (["--no-simulated-replies"], False)])
def test_serve_no_simulated_replies_switches_the_respondent_off(
    monkeypatch: pytest.MonkeyPatch, flags: list[str], replies: bool
) -> None:
    monkeypatch.setattr("dexxy_sandbox.cli.SandboxServer", _Captured)
    _Captured.built = None
    result = CliRunner().invoke(serve, ["--engineers", "2", "--repos", "1", "--days", "3", *flags])
    assert result.exit_code == 0, result.output
    assert _Captured.built is not None
    assert _Captured.built.org.posted_comments.auto_reply is replies
