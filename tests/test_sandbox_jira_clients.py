"""Third-party Jira clients run against the emulator: the `jira` package and atlassian-python-api."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from atlassian import Jira as AtlassianJira
from jira import JIRA

from dexxy_sandbox.jira import JIRA_API_TOKEN, JiraSite
from dexxy_sandbox.server import SandboxServer
from tests.sandbox_fixtures import running_sandbox


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def jira(server: SandboxServer) -> JIRA:
    email = server.jira.site.api_user.email or ""
    return JIRA(server=server.jira_base_url, basic_auth=(email, JIRA_API_TOKEN))


@pytest.fixture(scope="module")
def atlassian(server: SandboxServer) -> AtlassianJira:
    email = server.jira.site.api_user.email
    return AtlassianJira(url=server.jira_base_url, username=email, password=JIRA_API_TOKEN, cloud=True)


@pytest.fixture(scope="module")
def site(server: SandboxServer) -> JiraSite:
    return server.jira.site


def test_jira_package_searches_every_page_and_reads_issues(
    jira: JIRA, site: JiraSite, server: SandboxServer
) -> None:
    assert jira.server_info()["deploymentType"] == "Cloud"  # so the package uses /search/jql
    assert jira.myself()["timeZone"] == site.time_zone
    before = server.request_log.by_template["/jira/rest/api/{api}/search/jql"]
    found = jira.search_issues(f"project in ({', '.join(site.project_keys)}) ORDER BY key", maxResults=False)
    pages = server.request_log.by_template["/jira/rest/api/{api}/search/jql"] - before
    assert [i.key for i in found] == [
        i.key for i in sorted(site.issues, key=lambda i: (i.project_key, i.number))
    ]
    assert pages >= 2  # the package followed nextPageToken to the last page
    assert server.request_log.by_template["/jira/rest/api/{api}/search"] == 0  # never the removed search
    chatty = max(site.issues, key=lambda i: len(i.histories))
    issue = jira.issue(chatty.key, expand="changelog")
    assert issue.fields.summary == chatty.summary and issue.fields.status.name == chatty.status
    assert issue.changelog.total == len(chatty.histories) and len(issue.changelog.histories) == 100
    assert [c.id for c in jira.comments(chatty.key)] == [str(c.id) for c in chatty.comments]
    assert [w.id for w in jira.worklogs(chatty.key)] == [str(w.id) for w in chatty.worklogs]
    fields = {f["id"]: f["name"] for f in jira.fields()}
    assert fields["customfield_10020"] == "Sprint" and fields["customfield_10016"] == "Story Points"


def test_jira_package_reads_boards_and_sprints(jira: JIRA, site: JiraSite) -> None:
    boards = jira.boards()
    assert {b.name for b in boards} == {b.name for b in site.boards}
    scrum = next(b for b in site.boards if b.type == "scrum")
    sprints = jira.sprints(scrum.id)
    assert [s.id for s in sprints] == [s.id for s in site.sprints if s.board_id == scrum.id]


def test_jira_package_retries_a_429(jira: JIRA, server: SandboxServer) -> None:
    server.jira.throttle(1, retry_after=1)
    before = server.request_log.too_many_requests
    assert jira.myself()["accountId"] == server.jira.site.api_user.account_id
    assert server.request_log.too_many_requests == before + 1


def test_atlassian_python_api_pages_search_changelogs_and_agile(
    atlassian: AtlassianJira, site: JiraSite, server: SandboxServer
) -> None:
    assert atlassian.myself()["emailAddress"] == site.api_user.email
    jql = "project = OPS ORDER BY key ASC"
    keys: list[str] = []
    token = None
    while True:
        page = atlassian.enhanced_jql(jql, fields="summary,status", nextPageToken=token, limit=4)
        keys += [issue["key"] for issue in page["issues"]]
        token = page.get("nextPageToken")
        if page["isLast"]:
            break
    assert keys == [i.key for i in sorted(site.issues, key=lambda i: i.number) if i.project_key == "OPS"]
    issue = next(i for i in site.issues if len(i.histories) > 3)
    changelog = atlassian.get_issue_changelog(issue.key, start=0, limit=2)
    assert changelog["total"] == len(issue.histories) and len(changelog["values"]) == 2
    bulk = atlassian.get_changelogs_bulk([issue.key])
    assert [h["id"] for h in bulk["issueChangeLogs"][0]["changeHistories"]] == [
        str(h.id) for h in issue.histories
    ]
    boards = atlassian.get_all_agile_boards()["values"]
    scrum = next(b for b in boards if b["type"] == "scrum")
    sprints = atlassian.get_all_sprints_from_board(scrum["id"])["values"]
    sprint = next(s for s in sprints if any(s["id"] in i.sprint_ids for i in site.issues))
    issues = atlassian.get_sprint_issues(sprint["id"], 0, 50)
    assert issues["total"] == sum(sprint["id"] in i.sprint_ids for i in site.issues)
    limited = server.request_log.too_many_requests
    server.jira.throttle(1, retry_after=0)  # atlassian-python-api retries once after Retry-After
    assert atlassian.myself()["accountId"] == site.api_user.account_id
    assert server.request_log.too_many_requests == limited + 1
