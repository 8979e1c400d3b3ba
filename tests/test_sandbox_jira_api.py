"""The Jira emulator over real HTTP: token paging, truncated embedded lists, bulk changelog, worklog feeds,
JQL in the user's time zone, the removed search, auth, 429s and the agile API."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.jira import JIRA_API_TOKEN, JIRA_OAUTH_TOKEN, JiraSite
from dexxy_sandbox.jira.payloads import (
    EMBEDDED_CHANGELOG,
    EMBEDDED_COMMENTS,
    EMBEDDED_WORKLOGS,
    SEARCH_EMBEDDED_CHANGELOG,
)
from dexxy_sandbox.server import SandboxServer
from tests.sandbox_fixtures import running_sandbox

SEARCH = "/rest/api/3/search/jql"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def site(server: SandboxServer) -> JiraSite:
    return server.jira.site


def _client(server: SandboxServer, **kwargs: Any) -> httpx.Client:
    auth = kwargs.pop("auth", (server.jira.site.api_user.email, JIRA_API_TOKEN))
    return httpx.Client(base_url=server.jira_base_url, auth=auth, timeout=30, **kwargs)


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with _client(server) as http:
        yield http


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, (response.request.url, response.status_code, response.text[:300])
    return response.json()


def _chatty(site: JiraSite) -> Any:
    return max(site.issues, key=lambda i: len(i.histories))


def test_search_pages_with_tokens_until_is_last(client: httpx.Client, site: JiraSite) -> None:
    projects = ", ".join(site.project_keys)
    jql = f"project in ({projects}) ORDER BY key ASC"
    expected = [i.key for i in sorted(site.issues, key=lambda i: (i.project_key, i.number))]
    for method in ("GET", "POST"):
        keys: list[str] = []
        token: str | None = None
        pages = 0
        while True:
            if method == "GET":
                params = {"jql": jql, "maxResults": 17, "fields": "summary,status"}
                page = _ok(
                    client.get(SEARCH, params={**params, **({"nextPageToken": token} if token else {})})
                )
            else:
                body = {"jql": jql, "maxResults": 17, "fields": ["summary", "status"], "nextPageToken": token}
                page = _ok(client.post(SEARCH, json=body))
            pages += 1
            keys += [issue["key"] for issue in page["issues"]]
            assert all(set(issue["fields"]) == {"summary", "status"} for issue in page["issues"])
            token = page.get("nextPageToken")
            assert page["isLast"] is (token is None)
            if page["isLast"]:
                break
        assert keys == expected and pages == -(-len(expected) // 17) and pages > 5


def test_a_token_belongs_to_its_query(client: httpx.Client, site: JiraSite) -> None:
    first = _ok(client.get(SEARCH, params={"jql": "project = OPS", "maxResults": 2}))
    assert [set(issue) for issue in first["issues"]] == [{"expand", "id", "self", "key"}] * 2  # default: ids
    other = client.get(
        SEARCH, params={"jql": "project = OPS ORDER BY key", "nextPageToken": first["nextPageToken"]}
    )
    assert other.status_code == 400 and "next page token" in other.json()["errorMessages"][0]
    forged = client.get(SEARCH, params={"jql": "project = OPS", "nextPageToken": "not-a-token"})
    assert forged.status_code == 400


@pytest.mark.parametrize("version", ["2", "3", "latest"])
def test_the_removed_search_answers_410(client: httpx.Client, version: str) -> None:
    for response in (
        client.get(f"/rest/api/{version}/search", params={"jql": "project = OPS"}),
        client.post(f"/rest/api/{version}/search", json={"jql": "project = OPS"}),
    ):
        assert response.status_code == 410
        assert "/rest/api/3/search/jql" in response.json()["errorMessages"][0]


def test_unbounded_jql_is_rejected_and_bad_jql_explained(client: httpx.Client) -> None:
    for jql in ("", "ORDER BY updated DESC"):
        response = client.get(SEARCH, params={"jql": jql})
        assert response.status_code == 400
        assert response.json()["errorMessages"] == [
            "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
        ]
    response = client.post(SEARCH, json={"jql": "project = NOPE"})
    assert response.status_code == 400 and "'NOPE' does not exist" in response.json()["errorMessages"][0]


def test_jql_dates_are_in_the_users_zone_and_times_carry_its_offset(
    client: httpx.Client, site: JiraSite
) -> None:
    myself = _ok(client.get("/rest/api/3/myself"))
    assert myself["timeZone"] == "America/Los_Angeles" == site.time_zone
    zone = ZoneInfo(myself["timeZone"])
    issue = sorted(site.issues, key=lambda i: i.id)[len(site.issues) // 2]
    local = issue.updated.astimezone(zone).replace(second=0)
    after = local + dt.timedelta(minutes=1)
    jql = (
        f'project = {issue.project_key} AND updated >= "{local:%Y-%m-%d %H:%M}" '
        f'AND updated < "{after:%Y-%m-%d %H:%M}" ORDER BY updated ASC'
    )
    found = _ok(client.get(SEARCH, params={"jql": jql, "fields": "updated"}))["issues"]
    assert issue.key in [i["key"] for i in found]
    for rendered in found:
        updated = dt.datetime.strptime(rendered["fields"]["updated"], "%Y-%m-%dT%H:%M:%S.%f%z")
        assert updated.utcoffset() == local.utcoffset() == dt.timedelta(hours=-7)  # June: PDT
        assert local <= updated < after
    as_utc = (
        f'project = {issue.project_key} AND updated >= "{local.astimezone(dt.UTC):%Y-%m-%d %H:%M}" '
        f'AND updated < "{after.astimezone(dt.UTC):%Y-%m-%d %H:%M}"'
    )  # the UTC wall time of that minute, read in Pacific time, is seven hours later
    assert issue.key not in [i["key"] for i in _ok(client.get(SEARCH, params={"jql": as_utc}))["issues"]]


def test_embedded_lists_are_truncated_and_the_rest_pages(client: httpx.Client, site: JiraSite) -> None:
    issue = _chatty(site)
    assert len(issue.histories) > EMBEDDED_CHANGELOG
    assert len(issue.comments) > EMBEDDED_COMMENTS and len(issue.worklogs) > EMBEDDED_WORKLOGS
    params = {"jql": f"key = {issue.key}", "fields": "comment,worklog", "expand": "changelog"}
    found = _ok(client.get(SEARCH, params=params))["issues"][0]
    changelog = found["changelog"]
    assert changelog["total"] == len(issue.histories) and changelog["maxResults"] == SEARCH_EMBEDDED_CHANGELOG
    newest = [str(h.id) for h in reversed(issue.histories)]
    assert [h["id"] for h in changelog["histories"]] == newest[:SEARCH_EMBEDDED_CHANGELOG]  # newest first
    single = _ok(client.get(f"/rest/api/3/issue/{issue.key}", params={"expand": "changelog", "fields": "id"}))
    assert [h["id"] for h in single["changelog"]["histories"]] == newest[
        :EMBEDDED_CHANGELOG
    ]  # the issue: 100
    comment, worklog = found["fields"]["comment"], found["fields"]["worklog"]
    assert comment["total"] == len(issue.comments) and len(comment["comments"]) == EMBEDDED_COMMENTS
    assert worklog["total"] == len(issue.worklogs) and len(worklog["worklogs"]) == EMBEDDED_WORKLOGS

    histories: list[str] = []
    while True:
        page = _ok(
            client.get(
                f"/rest/api/3/issue/{issue.key}/changelog",
                params={"startAt": len(histories), "maxResults": 40},
            )
        )
        histories += [h["id"] for h in page["values"]]
        if page["isLast"]:
            break
        assert page["nextPage"].startswith(client.base_url.join("/").__str__().rstrip("/"))
    assert histories == [str(h.id) for h in issue.histories]  # oldest first, all of them
    comments = []
    while len(comments) < len(issue.comments):
        page = _ok(
            client.get(
                f"/rest/api/3/issue/{issue.key}/comment", params={"startAt": len(comments), "maxResults": 10}
            )
        )
        assert page["total"] == len(issue.comments) and page["comments"]
        comments += [c["id"] for c in page["comments"]]
    assert comments == [str(c.id) for c in issue.comments]
    worklogs = _ok(client.get(f"/rest/api/3/issue/{issue.key}/worklog"))
    assert [w["id"] for w in worklogs["worklogs"]] == [str(w.id) for w in issue.worklogs]


def test_bulk_changelog_pages_across_issues(client: httpx.Client, site: JiraSite) -> None:
    issues = [i for i in site.issues if i.histories][:15]
    wanted = [i.key for i in issues] + ["OPS-99999"]  # an unknown key is left out, not an error
    collected: dict[str, list[str]] = {}
    appearances: Counter[str] = Counter()
    token = None
    pages = 0
    while True:
        body = {"issueIdsOrKeys": wanted, "maxResults": 7, **({"nextPageToken": token} if token else {})}
        page = _ok(client.post("/rest/api/3/changelog/bulkfetch", json=body))
        pages += 1
        for entry in page["issueChangeLogs"]:
            collected.setdefault(entry["issueId"], []).extend(h["id"] for h in entry["changeHistories"])
            appearances[entry["issueId"]] += 1
        token = page.get("nextPageToken")
        if token is None:
            break
    assert pages > 3
    assert any(count > 1 for count in appearances.values())  # sorted by date, so an issue spans pages
    assert collected == {str(i.id): [str(h.id) for h in i.histories] for i in issues}
    only_status = _ok(
        client.post(
            "/rest/api/3/changelog/bulkfetch", json={"issueIdsOrKeys": wanted[:3], "fieldIds": ["status"]}
        )
    )
    items = [
        item for e in only_status["issueChangeLogs"] for h in e["changeHistories"] for item in h["items"]
    ]
    assert items and {item["fieldId"] for item in items} == {"status"}
    assert client.post("/rest/api/3/changelog/bulkfetch", json={"issueIdsOrKeys": []}).status_code == 400


def test_approximate_count_and_bulk_issue_fetch(client: httpx.Client, site: JiraSite) -> None:
    count = _ok(client.post("/rest/api/3/search/approximate-count", json={"jql": "project = OPS"}))
    assert count == {"count": sum(i.project_key == "OPS" for i in site.issues)}
    unbounded = client.post("/rest/api/3/search/approximate-count", json={"jql": "order by key"})
    assert unbounded.status_code == 400
    moved = next(i for i in site.issues if i.previous_keys)
    wanted = [site.issues[0].key, str(site.issues[1].id), moved.previous_keys[0], "OPS-99999"]
    body = {"issueIdsOrKeys": wanted, "fields": ["summary", "status"]}
    found = _ok(client.post("/rest/api/3/issue/bulkfetch", json=body))
    assert [i["key"] for i in found["issues"]] == [site.issues[0].key, site.issues[1].key, moved.key]
    assert found["issueErrors"] == [] and set(found["issues"][0]["fields"]) == {"summary", "status"}


def test_worklogs_updated_since_then_listed_by_id(client: httpx.Client, site: JiraSite) -> None:
    everything = site.all_worklogs()
    feed = _ok(client.get("/rest/api/3/worklog/updated", params={"since": 0}))
    assert feed["lastPage"] is True
    ids = [value["worklogId"] for value in feed["values"]]
    assert ids == [w.id for w in everything]
    middle = everything[len(everything) // 2]
    since = int(middle.updated.timestamp() * 1000)
    later = _ok(client.get("/rest/api/3/worklog/updated", params={"since": since}))["values"]
    assert all(value["updatedTime"] >= since for value in later) and middle.id in [
        v["worklogId"] for v in later
    ]
    listed = _ok(client.post("/rest/api/3/worklog/list", json={"ids": ids[:50]}))
    assert [int(w["id"]) for w in listed] == ids[:50]
    assert all(w["comment"]["type"] == "doc" for w in listed if "comment" in w)


def test_credentials_are_checked(server: SandboxServer) -> None:
    email = server.jira.site.api_user.email or ""
    with _client(server, auth=None) as anonymous:
        assert anonymous.get("/rest/api/3/myself").status_code == 401
        assert anonymous.get("/rest/api/3/serverInfo").status_code == 200  # Jira answers this one to anyone
    with _client(server, auth=(email, "wrong")) as wrong:
        assert wrong.get("/rest/api/3/myself").status_code == 401
        assert wrong.get("/rest/api/3/serverInfo").status_code == 401
    with _client(server, auth=("someone@else.example", JIRA_API_TOKEN)) as stranger:
        assert stranger.get("/rest/api/3/myself").status_code == 401
    bearer = {"Authorization": f"Bearer {JIRA_OAUTH_TOKEN}"}
    with _client(server, auth=None, headers=bearer) as oauth:
        assert oauth.get("/rest/api/3/myself").json()["emailAddress"] == email


def test_429_with_retry_after_then_success(server: SandboxServer, client: httpx.Client) -> None:
    server.jira.throttle(2, retry_after=3)
    first, second, third = (client.get("/rest/api/3/myself") for _ in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["retry-after"] == "3" and "x-ratelimit-reset" in first.headers
    server.faults = FaultConfig(secondary_rate_limit_rate=1.0, secondary_rate_limit_status=429)
    try:
        limited = client.get("/rest/api/3/myself")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    finally:
        server.faults = None
    assert client.get("/rest/api/3/myself").status_code == 200


def test_a_failure_switch_answers_what_it_is_told_then_lets_requests_through(
    server: SandboxServer, client: httpx.Client
) -> None:
    server.jira.fail(1, 503, "Site temporarily unavailable", retry_after=30)
    down = client.get("/rest/api/3/myself")
    assert down.status_code == 503 and down.headers["retry-after"] == "30"
    assert down.json() == {"errorMessages": ["Site temporarily unavailable"], "errors": {}}
    server.jira.fail(2, 403, "You do not have permission to browse users.")
    assert [client.get("/rest/api/3/users/search").status_code for _ in range(3)] == [403, 403, 200]


def test_a_spent_budget_answers_429_until_the_window_resets() -> None:
    with running_sandbox(rate_limit_per_hour=3) as small, _client(small) as http:
        statuses = [http.get("/rest/api/3/myself").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        retry_after = int(http.get("/rest/api/3/myself").headers["retry-after"])
        assert 3000 < retry_after <= 3601  # the window ends at a whole second


def test_a_moved_issue_answers_under_its_old_key(client: httpx.Client, site: JiraSite) -> None:
    moved = next(i for i in site.issues if i.previous_keys)
    body = _ok(
        client.get(f"/rest/api/3/issue/{moved.previous_keys[0]}", params={"fields": "project,issuetype"})
    )
    assert body["key"] == moved.key and body["fields"]["project"]["key"] == moved.project_key
    assert client.get("/rest/api/3/issue/OPS-99999").status_code == 404


def test_v3_speaks_document_format_and_v2_text(client: httpx.Client, site: JiraSite) -> None:
    issue = next(i for i in site.issues if i.description)
    v3 = _ok(client.get(f"/rest/api/3/issue/{issue.key}", params={"fields": "description"}))
    v2 = _ok(client.get(f"/rest/api/2/issue/{issue.key}", params={"fields": "description"}))
    assert v3["fields"]["description"]["type"] == "doc"
    assert v2["fields"]["description"] == "\n\n".join(issue.description)
    odd = next(i for i in site.issues if any(c.unknown_node for c in i.comments))
    comments = _ok(client.get(f"/rest/api/3/issue/{odd.key}/comment"))["comments"]
    assert any(node["type"] == "bodiedExtension" for c in comments for node in c["body"]["content"])


def test_fields_name_the_sprint_and_story_point_fields(client: httpx.Client) -> None:
    fields = {f["id"]: f for f in _ok(client.get("/rest/api/3/field"))}
    assert fields["customfield_10020"]["name"] == "Sprint"
    assert fields["customfield_10020"]["schema"]["custom"] == "com.pyxis.greenhopper.jira:gh-sprint"
    assert fields["customfield_10016"]["schema"]["custom"] == "com.pyxis.greenhopper.jira:jsw-story-points"
    assert "customfield_10150" not in fields  # on issues, but its app is gone


def test_boards_sprints_and_sprint_issues(client: httpx.Client, site: JiraSite) -> None:
    boards = _ok(client.get("/rest/agile/1.0/board"))["values"]
    scrum = [b for b in boards if b["type"] == "scrum"]
    kanban = [b for b in boards if b["type"] == "kanban"]
    assert scrum and kanban
    assert client.get(f"/rest/agile/1.0/board/{kanban[0]['id']}/sprint").status_code == 400
    sprints = _ok(client.get(f"/rest/agile/1.0/board/{scrum[0]['id']}/sprint"))["values"]
    states = [s["state"] for s in sprints]
    assert states == sorted(states, key=["closed", "active", "future"].index) and "active" in states
    active = _ok(client.get(f"/rest/agile/1.0/board/{scrum[0]['id']}/sprint", params={"state": "active"}))
    assert [s["state"] for s in active["values"]] == ["active"]
    closed = next(
        s
        for s in sprints
        if s["state"] == "closed" and s["id"] in {i for x in site.issues for i in x.sprint_ids}
    )
    issues = _ok(client.get(f"/rest/agile/1.0/sprint/{closed['id']}/issue", params={"maxResults": 50}))
    expected = {i.key for i in site.issues if closed["id"] in i.sprint_ids}
    assert issues["total"] == len(expected) and {i["key"] for i in issues["issues"]} <= expected
    assert all(closed["id"] in [s["id"] for s in i["fields"]["closedSprints"]] for i in issues["issues"])


def test_sandbox_serve_prints_the_jira_lines() -> None:
    command = [sys.executable, "-m", "dexxy_sandbox.cli", "--port", "0", "--days", "14", "--engineers", "4"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert process.stdout is not None
        lines: dict[str, str] = {}
        while "JIRA_PROJECTS" not in lines and len(lines) < 20:
            name, _, value = process.stdout.readline().strip().partition("=")
            lines[name] = value
        projects = lines["JIRA_PROJECTS"].split(",")
        assert "OPS" in projects and len(projects) >= 2
        auth = (lines["JIRA_EMAIL"], lines["JIRA_API_TOKEN"])
        search = httpx.get(
            f"{lines['JIRA_BASE_URL']}/rest/api/3/search/jql",
            params={"jql": f"project in ({lines['JIRA_PROJECTS']})", "maxResults": 1},
            auth=auth,
        )
        assert search.status_code == 200 and search.json()["issues"]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_oauth_codes_rotating_refresh_tokens_and_the_gateway(server: SandboxServer) -> None:
    oauth = server.jira.oauth
    client = {"client_id": oauth.client_id, "client_secret": oauth.client_secret}
    with httpx.Client(base_url=server.jira_base_url, timeout=30) as http:
        granted = http.post(
            "/oauth/token", json={**client, "grant_type": "authorization_code", "code": oauth.issue_code()}
        )
        assert granted.status_code == 200 and granted.json()["token_type"] == "Bearer"
        first = granted.json()
        bearer = {"Authorization": f"Bearer {first['access_token']}"}
        sites = http.get("/oauth/token/accessible-resources", headers=bearer).json()
        assert sites == [
            {
                "id": oauth.cloud_id,
                "url": server.jira_base_url,
                "name": server.jira.site.title,
                "scopes": ["read:jira-work", "read:jira-user", "offline_access"],
                "avatarUrl": f"{server.jira_base_url}/avatars/site.png",
            }
        ]
        gateway = f"/ex/jira/{oauth.cloud_id}/rest/api/3"
        myself = http.get(f"{gateway}/myself", headers=bearer)
        assert myself.status_code == 200 and f"/ex/jira/{oauth.cloud_id}/rest/api/3/" in myself.json()["self"]
        email = server.jira.site.api_user.email or ""
        assert http.get(f"{gateway}/myself", auth=(email, JIRA_API_TOKEN)).status_code == 401  # bearer only
        assert http.get(f"/ex/jira/{uuid_like()}/rest/api/3/myself", headers=bearer).status_code == 404

        # Rotation: a refresh token works once; the new one works; the old one is refused.
        refresh = {**client, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        second = http.post("/oauth/token", data=refresh)  # form-encoded, as some clients send it
        assert second.status_code == 200 and second.json()["refresh_token"] != first["refresh_token"]
        again = http.post("/oauth/token", json=refresh)
        assert again.status_code == 403 and again.json()["error"] == "invalid_grant"
        wrong_secret = http.post("/oauth/token", json={**refresh, "client_secret": "nope"})
        assert wrong_secret.status_code == 401

        # Expiry: a token issued with no lifetime left is refused.
        oauth.access_ttl_seconds = 0
        try:
            third = http.post(
                "/oauth/token", json={**refresh, "refresh_token": second.json()["refresh_token"]}
            )
            expired = {"Authorization": f"Bearer {third.json()['access_token']}"}
            assert http.get(f"{gateway}/myself", headers=expired).status_code == 401
        finally:
            oauth.access_ttl_seconds = 3600


def uuid_like() -> str:
    return "00000000-0000-4000-8000-000000000000"
