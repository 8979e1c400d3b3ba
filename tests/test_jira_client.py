"""The Jira client (``resources/jira*.py``) against the sandbox's Jira Cloud over real HTTP: basic auth and
its refusals, every kind of paging, 429 and 5xx handling through the shared core, each error category with
its one-line advice, the removed search, truncated embedded lists, the bulk changelog, the worklog feed and
field discovery. OAuth: ``test_jira_client_oauth.py``; time-zone windows: ``test_jira_client_windows.py``."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.jira import JIRA_API_TOKEN, JiraSite
from dexxy_sandbox.jira.payloads import EMBEDDED_COMMENTS, EMBEDDED_WORKLOGS, SEARCH_EMBEDDED_CHANGELOG
from dexxy_sandbox.server import SandboxServer
from resources.http.auth import BasicAuth
from resources.http.errors import ErrorCategory, ServiceError
from resources.http.retry_policy import RetryPolicy
from resources.jira import JiraResource
from resources.jira_adapter import JiraAdapter, jira_message
from resources.jira_client import JiraClient
from resources.jira_errors import JiraAuthError, JiraError
from resources.jira_fields import discover_fields
from tests.sandbox_fixtures import running_sandbox

FAST = RetryPolicy(max_retries=3, backoff_base_seconds=0.001, backoff_cap_seconds=0.004)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox(days=130) as running:
        yield running


@pytest.fixture(scope="module")
def site(server: SandboxServer) -> JiraSite:
    return server.jira.site


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _client(server: SandboxServer, token: str = JIRA_API_TOKEN, **kwargs) -> JiraClient:  # type: ignore[no-untyped-def]
    email = server.jira.site.api_user.email or ""
    return JiraClient(
        server.jira_base_url, JiraAdapter(BasicAuth(email, token)), retry=kwargs.pop("retry", FAST), **kwargs
    )


def _basic_env(monkeypatch: pytest.MonkeyPatch, server: SandboxServer, token: str = JIRA_API_TOKEN) -> None:
    monkeypatch.setenv("JIRA_BASE_URL", server.jira_base_url)
    monkeypatch.setenv("JIRA_EMAIL", server.jira.site.api_user.email or "")
    monkeypatch.setenv("JIRA_API_TOKEN", token)
    monkeypatch.setenv("JIRA_PROJECTS", ",".join(server.jira.site.project_keys))


def _one_line(error: BaseException) -> str:
    message = str(error)
    assert "\n" not in message and len(message) < 400
    return message


def test_the_resource_reads_the_environment_at_run_time_and_basic_auth_works(
    server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    resource = JiraResource()  # definitions load with no environment at all
    with pytest.raises(JiraError) as missing:
        resource.scope()
    assert _one_line(missing.value).startswith("JIRA_PROJECTS is not set")
    with pytest.raises(JiraError) as no_auth:
        resource.client()
    assert "JIRA_API_TOKEN is not set" in _one_line(no_auth.value)
    monkeypatch.setenv("JIRA_EMAIL", "someone@example.com")
    with pytest.raises(JiraError, match=r"^JIRA_API_TOKEN is not set"):
        resource.client()

    _basic_env(monkeypatch, server)
    monkeypatch.setenv("JIRA_PROJECTS", " ops, Pay ,OPS")
    monkeypatch.setenv("JIRA_TRACKED_USERS", "a@example.com, 5b10ac8d82e05b22cc7d4ef5")
    scope = resource.scope()
    assert scope.projects == ("OPS", "PAY") and scope.project_clause() == "project in (OPS, PAY)"
    assert scope.tracked_users == ("a@example.com", "5b10ac8d82e05b22cc7d4ef5")
    monkeypatch.setenv("JIRA_PROJECTS", "OPS,pay-2")
    with pytest.raises(JiraError, match="JIRA_PROJECTS has PAY-2, not project keys"):
        resource.scope()
    assert resource.auth_mode() == "basic"
    with resource.client() as client:
        assert client.myself()["emailAddress"] == server.jira.site.api_user.email
        assert client.api_url == server.jira_base_url


def test_a_wrong_api_token_is_auth_expired_in_one_line_naming_the_variables(
    server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _basic_env(monkeypatch, server, token="not-the-token")
    with JiraResource().client() as client, pytest.raises(JiraAuthError) as refused:
        client.myself()
    error = refused.value
    assert error.category is ErrorCategory.AUTH_EXPIRED and error.status == 401
    message = _one_line(error)
    assert "Client must be authenticated" in message  # Jira's errorMessages, read into the message
    assert "JIRA_EMAIL + JIRA_API_TOKEN" in message and "not-the-token" not in message
    assert "JIRA_API_TOKEN" in error.action
    assert client.usage.requests == 1  # a static credential is not renewed and retried


def test_search_pages_with_tokens_get_and_post_and_never_calls_the_removed_search(
    server: SandboxServer, site: JiraSite
) -> None:
    projects = ", ".join(site.project_keys)
    expected = [i.key for i in sorted(site.issues, key=lambda i: (i.project_key, i.number))]
    before = server.request_log.by_template.copy()
    for method in ("POST", "GET"):
        with _client(server) as client:
            pages = list(
                client.search_pages(
                    f"project in ({projects}) ORDER BY key ASC", ["summary"], page_size=37, method=method
                )
            )
            assert [i["key"] for page in pages for i in page] == expected
            assert len(pages) == -(-len(expected) // 37) > 10 and client.usage.requests == len(pages)
    served = server.request_log.by_template - before
    assert served["/jira/rest/api/{api}/search/jql"] == 2 * len(pages)
    assert not any(t.endswith("/search") for t in served)


def test_offset_paging_of_projects_users_boards_and_sprints(server: SandboxServer, site: JiraSite) -> None:
    with _client(server) as client:
        assert [
            p["key"] for p in client.offset_list("/rest/api/3/project/search", None, "values", 2)
        ] == sorted(site.project_keys)
        listed = client.offset_list(
            "/rest/api/3/users/search", None, None, 4
        )  # bare lists: a short page ends
        assert [u["accountId"] for u in listed] == [u.account_id for u in site.users] and len(listed) > 8
        assert [u["accountId"] for u in client.users()] == [u.account_id for u in site.users]
        assert [p["key"] for p in client.projects(["OPS"])] == ["OPS"]
        boards = client.boards()
        scrum = next(b for b in boards if b["type"] == "scrum")
        sprints = client.board_sprints(scrum["id"])
        assert [s["id"] for s in sprints] == [
            s["id"]
            for s in client.offset_list(f"/rest/agile/1.0/board/{scrum['id']}/sprint", None, "values", 1)
        ]
        closed = next(s for s in sprints if s["state"] == "closed")
        members = client.offset_list(f"/rest/agile/1.0/sprint/{closed['id']}/issue", None, "issues", 3)
        assert {i["key"] for i in members} == {i.key for i in site.issues if closed["id"] in i.sprint_ids}


def test_429_with_retry_after_is_waited_out_and_counted(server: SandboxServer) -> None:
    sleeps = Sleeps()
    with _client(server, sleep=sleeps) as client:
        server.jira.throttle(2, retry_after=3)
        assert client.myself()["accountId"]
        assert sleeps == [3.0, 3.0]
        assert client.usage.throttled_waits == 2 and client.usage.throttled_seconds == 6.0
        assert client.usage.statuses[429] == 2 and client.usage.retries == 0
        server.jira.fail(1, 503, "Site temporarily unavailable", retry_after=30)  # Atlassian: honour it
        assert client.myself()["accountId"]
        assert sleeps[-1] == 30.0 and client.usage.throttled_waits == 3


def test_server_errors_are_retried_then_succeed(server: SandboxServer) -> None:
    sleeps = Sleeps()
    with _client(server, sleep=sleeps) as client:
        server.jira.fail(2, 500, "Internal server error")
        assert client.myself()["accountId"]
        assert client.usage.retries == 2 and client.usage.statuses[500] == 2 and len(sleeps) == 2
        server.jira.fail(10, 502, "Bad gateway")
        try:
            with pytest.raises(JiraError) as failing:
                client.myself()
        finally:
            server.jira.fail(0, 200, "")
        assert failing.value.category is ErrorCategory.UPSTREAM_5XX
        assert _one_line(failing.value) == "Jira failed 4 times: 502 from /jira/rest/api/3/myself"


@pytest.mark.parametrize(
    ("status", "said", "category", "advice"),
    [
        (403, "You do not have permission to browse users.", ErrorCategory.PERMISSION, "JIRA_PROJECTS"),
        (
            403,
            "Your Jira Cloud site has been suspended: the subscription payment failed.",
            ErrorCategory.SUSPENDED_PAYMENT,
            "JIRA_BASE_URL",
        ),
        (
            503,
            "This site is deactivated because its licence has expired.",
            ErrorCategory.SUSPENDED_PAYMENT,
            "",
        ),
        (404, "Issue does not exist or you do not have permission to see it.", ErrorCategory.NOT_FOUND, ""),
    ],
)
def test_refusals_are_classified_with_jiras_words_and_one_line_of_advice(
    server: SandboxServer, status: int, said: str, category: ErrorCategory, advice: str
) -> None:
    sleeps = Sleeps()
    with _client(server, sleep=sleeps) as client:
        server.jira.fail(5, status, said)
        try:
            with pytest.raises(JiraError) as refused:
                client.users()
        finally:
            server.jira.fail(0, 200, "")
        error = refused.value
        assert error.category is category and error.status == status and error.service_message == said
        assert said in _one_line(error) and advice in str(error)
        assert "JIRA_" in error.action and "\n" not in error.action
        assert client.usage.requests == 1 and sleeps == []  # a suspended site is not retried, even as a 503


def test_the_removed_search_is_a_schema_change(server: SandboxServer) -> None:
    with _client(server) as client, pytest.raises(JiraError) as removed:
        client.get("/rest/api/3/search", {"jql": "project = OPS"})
    assert removed.value.category is ErrorCategory.SCHEMA_CHANGE and removed.value.status == 410
    assert "/rest/api/3/search/jql" in _one_line(removed.value) and client.usage.requests == 1


def test_a_missing_issue_is_not_found(server: SandboxServer) -> None:
    with _client(server) as client, pytest.raises(JiraError) as missing:
        client.changelog("OPS-99999")
    assert missing.value.category is ErrorCategory.NOT_FOUND and "JIRA_PROJECTS" in str(missing.value)


def test_dropped_connections_are_network_and_a_dead_address_unreachable(server: SandboxServer) -> None:
    with _client(server, sleep=Sleeps()) as client:
        assert client.myself()
        server.faults = FaultConfig(drop_rate=1.0)
        try:
            with pytest.raises(JiraError) as dropped:
                client.myself()
        finally:
            server.faults = None
    assert dropped.value.category is ErrorCategory.NETWORK and "failed 4 times" in _one_line(dropped.value)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    dead = JiraClient(f"http://127.0.0.1:{port}/jira", JiraAdapter(BasicAuth("a", "b")), sleep=Sleeps())
    with dead, pytest.raises(JiraError) as unreachable:
        dead.myself()
    assert unreachable.value.category is ErrorCategory.UNREACHABLE
    assert _one_line(unreachable.value).startswith(
        f"JIRA_BASE_URL=http://127.0.0.1:{port}/jira is unreachable"
    )


def test_truncated_embedded_lists_are_paged_to_their_full_count(
    server: SandboxServer, site: JiraSite
) -> None:
    chatty = [i for i in site.issues if len(i.histories) > SEARCH_EMBEDDED_CHANGELOG]  # the long epic
    assert chatty and any(
        len(i.comments) > EMBEDDED_COMMENTS and len(i.worklogs) > EMBEDDED_WORKLOGS for i in chatty
    )
    quiet = next(i for i in site.issues if 0 < len(i.histories) < 10 and len(i.comments) < 5)
    keys = ", ".join(i.key for i in [*chatty, quiet])
    with _client(server) as client:
        found = {
            i["key"]: i
            for i in client.search(f"key in ({keys})", ["comment", "worklog"], expand=["changelog"])
        }
        assert all(len(found[i.key]["changelog"]["histories"]) == SEARCH_EMBEDDED_CHANGELOG for i in chatty)
        before = server.request_log.by_template.copy()
        client.complete_embedded(list(found.values()))
        served = server.request_log.by_template - before
    assert served["/jira/rest/api/{api}/changelog/bulkfetch"] == 1  # not one call per issue
    assert served["/jira/rest/api/{api}/issue/{issueIdOrKey}/changelog"] == 0
    truncated_comments = sum(len(i.comments) > EMBEDDED_COMMENTS for i in chatty)
    assert served["/jira/rest/api/{api}/issue/{issueIdOrKey}/comment"] == truncated_comments  # quiet: none
    for issue in [*chatty, quiet]:
        completed = found[issue.key]
        histories = sorted(completed["changelog"]["histories"], key=lambda h: (h["created"], int(h["id"])))
        assert [h["id"] for h in histories] == [str(h.id) for h in issue.histories]
        assert completed["changelog"]["total"] == len(issue.histories)
        comments = completed["fields"]["comment"]
        assert [c["id"] for c in comments["comments"]] == [str(c.id) for c in issue.comments]
        assert comments["total"] == len(issue.comments)
        worklogs = completed["fields"]["worklog"]["worklogs"]
        assert [w["id"] for w in worklogs] == [str(w.id) for w in issue.worklogs]


def test_an_issues_changelog_pages_oldest_first(server: SandboxServer, site: JiraSite) -> None:
    chatty = max(site.issues, key=lambda i: len(i.histories))
    with _client(server) as client:
        assert [h["id"] for h in client.changelog(chatty.key)] == [str(h.id) for h in chatty.histories]
        assert client.usage.requests == -(-len(chatty.histories) // 100) > 1


def test_bulk_changelog_merges_an_issue_across_pages(server: SandboxServer, site: JiraSite) -> None:
    issues = [i for i in site.issues if i.histories][:15]
    with _client(server) as client:
        found = client.bulk_changelog([i.key for i in issues] + ["OPS-99999"], page_size=7)
        assert client.usage.requests > 3
        assert set(found) == {str(i.id) for i in issues}  # the unknown key is left out
        assert {k: [h["id"] for h in v] for k, v in found.items()} == {
            str(i.id): [str(h.id) for h in i.histories] for i in issues
        }
        statuses = client.bulk_changelog([i.key for i in issues[:3]], field_ids=["status"])
        assert {item["fieldId"] for v in statuses.values() for h in v for item in h["items"]} == {"status"}


def test_the_worklog_feed_and_list(server: SandboxServer, site: JiraSite) -> None:
    everything = site.all_worklogs()
    with _client(server) as client:
        ids, until = client.updated_worklog_ids(0)
        assert ids == [w.id for w in everything] and len(ids) > 20
        assert until == max(int(w.updated.timestamp() * 1000) for w in everything)
        listed = client.worklogs_by_id(ids)
        assert [int(w["id"]) for w in listed] == ids
        middle = everything[len(everything) // 2]
        later, _ = client.updated_worklog_ids(int(middle.updated.timestamp() * 1000))
        assert middle.id in later and len(later) < len(ids)


def test_fields_are_discovered_by_schema_and_name(server: SandboxServer) -> None:
    with _client(server) as client:
        fields = client.field_ids()
    assert fields.sprint == "customfield_10020" and fields.story_points == "customfield_10016"
    hand_made = [
        {
            "id": "customfield_10099",
            "name": "Story point estimate",
            "schema": {"custom": "x:jsw-story-points"},
        },
        {"id": "customfield_10200", "name": "Sprints (old)", "schema": {"custom": "x:text"}},
        {"id": "customfield_10300", "name": " story  Points ", "schema": {"type": "number"}},
        {
            "id": "customfield_10400",
            "name": "Iteration",
            "schema": {"custom": "com.pyxis.greenhopper.jira:gh-sprint"},
        },
        {"name": "no id"},
        "not a field",
    ]
    found = discover_fields(hand_made)
    assert found.sprint == "customfield_10400" and found.story_points == "customfield_10300"
    assert found.story_point_fields == ("customfield_10300", "customfield_10099")
    assert discover_fields([]).story_points is None


def test_jira_error_bodies_are_read_into_one_line() -> None:
    body = {"errorMessages": ["Field 'x' does not exist."], "errors": {"jql": "bad\nquery"}}
    assert jira_message(body) == "Field 'x' does not exist.; jql: bad query"
    assert jira_message({"code": 401, "message": "Unauthorized"}) == "Unauthorized"
    assert jira_message({"error": "invalid_grant", "error_description": "Unknown token."}) == "Unknown token."
    assert len(jira_message({"errorMessages": ["x" * 1000]})) == 300
    assert isinstance(JiraError("x"), ServiceError)
