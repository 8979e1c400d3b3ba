"""The GraphQL emulator over real HTTP: `POST {rest_root}/graphql` of a started SandboxServer, with httpx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.org.model import PullRequest, SyntheticOrg
from dexxy_sandbox.server import SandboxServer

UNTIL = dt.date(2025, 3, 31)
TOKEN = "sandbox-token"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(until=UNTIL, rate_limit_per_hour=100_000) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"bearer {TOKEN}", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=server.github_api_url, headers=headers, timeout=60) as http:
        yield http


def post(client: httpx.Client, query: str, **variables: Any) -> httpx.Response:
    return client.post("/graphql", json={"query": query, "variables": variables})


def run(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """The `data` of a query that must succeed."""
    response = post(client, query, **variables)
    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert "errors" not in body, body["errors"][:3]
    return body["data"]


def repo_pulls(org: SyntheticOrg) -> tuple[str, tuple[PullRequest, ...]]:
    repo = org.repositories[0].name
    return repo, org.pulls(repo)


# ----- transport, auth and rate limits -----
def test_bad_or_missing_token_is_401(server: SandboxServer) -> None:
    url = f"{server.github_api_url}/graphql"
    body = {"query": "{ viewer { login } }"}
    bad = httpx.post(url, json=body, headers={"Authorization": "bearer nope"})
    assert bad.status_code == 401 and bad.json()["message"] == "Bad credentials"
    assert httpx.post(url, json=body).status_code == 401


def test_headers_name_the_graphql_resource_and_count_points(client: httpx.Client) -> None:
    query = "{ rateLimit { cost limit remaining used resetAt nodeCount } viewer { login } }"
    first = post(client, query)
    second = post(client, query)
    assert first.headers["x-ratelimit-resource"] == "graphql"
    assert int(second.headers["x-ratelimit-used"]) == int(first.headers["x-ratelimit-used"]) + 1
    rate = second.json()["data"]["rateLimit"]
    assert rate["cost"] == 1 and rate["limit"] == 100_000 and rate["nodeCount"] == 0
    assert rate["remaining"] == int(second.headers["x-ratelimit-remaining"])
    assert rate["used"] == int(second.headers["x-ratelimit-used"])
    reset = dt.datetime.fromisoformat(rate["resetAt"].replace("Z", "+00:00"))
    assert int(reset.timestamp()) == int(second.headers["x-ratelimit-reset"])
    core = client.get("/rate_limit").json()["resources"]
    assert core["graphql"]["used"] == rate["used"]  # REST's /rate_limit sees the same budget...
    assert core["core"]["used"] == 0  # ...and GraphQL points are not REST requests


def test_cost_is_computed_from_the_query(client: httpx.Client) -> None:
    query = """
    query($q: String!) {
      rateLimit { cost nodeCount }
      search(type: ISSUE, query: $q, first: 50) { nodes { ... on PullRequest {
        reviews(first: 40) { totalCount }
        commits(first: 60) { nodes { commit { parents(first: 2) { totalCount } } } }
      } } }
    }
    """
    before = int(post(client, "{ viewer { login } }").headers["x-ratelimit-used"])
    response = post(client, query, q="is:pr is:merged")
    rate = response.json()["data"]["rateLimit"]
    # 1 (search) + 50 (reviews) + 50 (commits) + 50 x 60 (parents) = 3,101 requests -> 31 points
    assert rate == {"cost": 31, "nodeCount": 50 + 50 * 40 + 50 * 60 + 50 * 60 * 2}
    assert int(response.headers["x-ratelimit-used"]) == before + 31
    dry_run = (
        '{ rateLimit(dryRun: true) { cost } search(type: ISSUE, query: "is:pr", first: 100) { issueCount } }'
    )
    used = int(post(client, "{ viewer { login } }").headers["x-ratelimit-used"])
    dry = post(client, dry_run)
    assert dry.json() == {"data": {"rateLimit": {"cost": 1}}}  # the cost, without running the rest...
    assert int(dry.headers["x-ratelimit-used"]) == used  # ...or spending it


def test_the_point_budget_runs_out() -> None:
    with SandboxServer(until=UNTIL, engineers=4, repos=1, days=10, rate_limit_per_hour=5) as small:
        headers = {"Authorization": f"token {TOKEN}"}
        with httpx.Client(base_url=small.github_api_url, headers=headers, timeout=30) as http:
            expensive = (
                '{ search(type: ISSUE, query: "is:pr", first: 100) { nodes { ... on PullRequest {'
                " commits(first: 100) { totalCount } } } } }"
            )  # 101 requests: 1 point
            huge = (
                '{ search(type: ISSUE, query: "is:pr", first: 100) { nodes { ... on PullRequest {'
                " commits(first: 100) { nodes { commit { parents(first: 10) { totalCount } } } } } } } }"
            )  # 10,101 requests: 101 points, more than the budget has
            refused = post(http, huge)
            assert refused.status_code == 200
            assert refused.json()["errors"][0]["type"] == "RATE_LIMITED"
            assert refused.headers["x-ratelimit-used"] == "0"  # a refused query costs nothing
            for used in range(1, 6):
                ok = post(http, expensive)
                assert "errors" not in ok.json() and ok.headers["x-ratelimit-used"] == str(used)
            spent = post(http, "{ viewer { login } }")
            body = spent.json()
            assert spent.status_code == 200 and body["data"] is None
            assert body["errors"][0]["type"] == "RATE_LIMITED"
            assert body["errors"][0]["message"].startswith("API rate limit exceeded for user ID ")
            assert spent.headers["x-ratelimit-remaining"] == "0"
            assert spent.headers["x-ratelimit-resource"] == "graphql"
            assert http.get("/rate_limit").json()["resources"]["core"]["remaining"] == 5  # REST untouched


def test_graphql_goes_through_the_rest_pipeline() -> None:
    """Faults, token expiry and the request log apply to POST /graphql as to REST routes."""
    with SandboxServer(until=UNTIL, engineers=4, repos=1, days=10) as small:
        headers = {"Authorization": f"token {TOKEN}"}
        with httpx.Client(base_url=small.github_api_url, headers=headers, timeout=30) as http:
            query = "{ viewer { login } }"
            assert post(http, query).json()["data"]["viewer"]["login"]
            small.faults = FaultConfig(error_rate=1.0)
            failed = post(http, query)
            assert failed.status_code in (500, 502) and "x-github-request-id" in failed.headers
            small.faults = FaultConfig(malformed_rate=1.0)
            cut = post(http, query)
            assert cut.status_code == 200
            with pytest.raises(ValueError):
                cut.json()
            small.faults = FaultConfig(token_expires_after_requests=1)
            assert post(http, query).status_code == 200
            assert post(http, query).status_code == 401
            small.faults = None
        assert small.request_log.by_template["/graphql"] == 5
        assert small.request_log.by_status[401] == 1


# ----- errors in GitHub's shape -----
def test_pagination_errors(client: httpx.Client, server: SandboxServer) -> None:
    repo, _ = repo_pulls(server.org)
    too_many = post(
        client,
        "query($o: String!, $n: String!) {\n"
        "  repository(owner: $o, name: $n) { pullRequests(first: 101) { totalCount } }\n"
        "}",
        o=server.org.login,
        n=repo,
    )
    assert too_many.status_code == 200
    body = too_many.json()
    assert body["data"] is None
    error = body["errors"][0]
    assert error["type"] == "EXCESSIVE_PAGINATION"
    assert error["message"] == (
        "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records."
    )
    assert error["path"][-2:] == ["repository", "pullRequests"] and error["locations"][0]["line"] == 2
    missing = post(client, '{ search(type: ISSUE, query: "is:pr") { nodes { __typename } } }').json()
    assert missing["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    counted = post(client, '{ search(type: ISSUE, query: "is:pr") { issueCount } }').json()  # as on GitHub
    assert "errors" not in counted and counted["data"]["search"]["issueCount"] > 0
    unknown = post(client, "{ viewer { nope } }").json()
    assert unknown["errors"][0]["message"] == "Field 'nope' doesn't exist on type 'User'"
    cursor = post(
        client, '{ search(type: ISSUE, query: "is:pr", first: 1, after: "nope") { issueCount } }'
    ).json()
    assert cursor["errors"][0]["type"] == "INVALID_CURSOR_ARGUMENTS"
    missing_repo = post(client, '{ repository(owner: "dexxy-demo", name: "nope") { id } }').json()
    assert missing_repo["data"] == {"repository": None}
    assert missing_repo["errors"][0]["type"] == "NOT_FOUND"
    assert (
        missing_repo["errors"][0]["message"]
        == "Could not resolve to a Repository with the name 'dexxy-demo/nope'."
    )
    assert client.post("/graphql", content=b"{not json").status_code == 400


# ----- paging -----
PULLS_PAGE = """
query($owner: String!, $name: String!, $after: String, $n: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: $n, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { number } }
    }
  }
}
"""


def test_cursor_pagination_covers_every_pull_request_exactly_once(
    client: httpx.Client, server: SandboxServer
) -> None:
    repo, pulls = repo_pulls(server.org)
    seen: list[int] = []
    after = None
    while True:
        page = run(client, PULLS_PAGE, owner=server.org.login, name=repo, after=after, n=37)
        connection = page["repository"]["pullRequests"]
        assert connection["totalCount"] == len(pulls)
        for edge in connection["edges"]:
            assert not edge["cursor"].isdigit()
        seen += [edge["node"]["number"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]
    assert seen == [pr.number for pr in sorted(pulls, key=lambda p: (p.created_at, p.number))]
    # backwards from the end, with last/before
    last = run(
        client,
        "query($o: String!, $n: String!) { repository(owner: $o, name: $n) {"
        " pullRequests(last: 3) { pageInfo { hasPreviousPage startCursor } nodes { number } } } }",
        o=server.org.login,
        n=repo,
    )["repository"]["pullRequests"]
    assert [n["number"] for n in last["nodes"]] == seen[-3:] and last["pageInfo"]["hasPreviousPage"]


SEARCH_PAGE = """
query($q: String!, $after: String) {
  search(type: ISSUE, query: $q, first: 100, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes { ... on PullRequest { number updatedAt repository { nameWithOwner } } }
  }
}
"""


def search_all(client: httpx.Client, query: str) -> tuple[int, list[tuple[str, int]], list[str]]:
    """(issueCount, every (repo, number) the pages yield, their updatedAt values)."""
    found: list[tuple[str, int]] = []
    updated: list[str] = []
    after = None
    count = -1
    for _ in range(20):
        search = run(client, SEARCH_PAGE, q=query, after=after)["search"]
        count = search["issueCount"]
        found += [(n["repository"]["nameWithOwner"], n["number"]) for n in search["nodes"]]
        updated += [n["updatedAt"] for n in search["nodes"]]
        if not search["pageInfo"]["hasNextPage"]:
            break
        after = search["pageInfo"]["endCursor"]
    return count, found, updated


def test_search_yields_at_most_1000_results_but_counts_all(
    client: httpx.Client, server: SandboxServer
) -> None:
    total = sum(1 for _ in server.org.all_pulls())
    assert total > 1000, "the default org should have more than 1,000 PRs"
    count, found, updated = search_all(client, f"org:{server.org.login} is:pr")
    assert count == total
    assert len(found) == 1000 and len(set(found)) == 1000
    assert updated == sorted(updated, reverse=True)  # best match ~ most recently updated first


def _expected(org: SyntheticOrg, repo: str, keep: Any) -> set[tuple[str, int]]:
    return {(f"{org.login}/{pr.repo}", pr.number) for pr in org.pulls(repo) if keep(pr)}


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("qualifier", "keep"),
    [
        ("updated:2025-03-01..2025-03-14", lambda pr: _at("2025-03-01") <= pr.updated_at < _at("2025-03-15")),
        ("updated:>=2025-03-20", lambda pr: pr.updated_at >= _at("2025-03-20")),
        ("updated:<=2025-01-10", lambda pr: pr.updated_at < _at("2025-01-11")),
        ("created:>2025-03-25", lambda pr: pr.created_at >= _at("2025-03-26")),
        ("created:<2024-12-15", lambda pr: pr.created_at < _at("2024-12-15")),
        (
            "updated:2025-03-10T09:00:00Z..2025-03-12T17:30:00Z",
            lambda pr: _at("2025-03-10T09:00:00") <= pr.updated_at <= _at("2025-03-12T17:30:00"),
        ),
        ("is:merged updated:2025-02-01..2025-02-28", lambda pr: pr.merged and pr.updated_at.month == 2),
        ("is:open", lambda pr: pr.state == "open"),
        ("is:closed -is:merged", lambda pr: pr.state == "closed" and not pr.merged),
    ],
)
def test_search_qualifiers(client: httpx.Client, server: SandboxServer, qualifier: str, keep: Any) -> None:
    org = server.org
    repo = org.repositories[1].name
    expected = _expected(org, repo, keep)
    assert len(expected) < 1000
    count, found, _ = search_all(client, f"repo:{org.login}/{repo} is:pr {qualifier}")
    assert count == len(expected) == len(found)
    assert set(found) == expected


def test_search_sort_orders(client: httpx.Client, server: SandboxServer) -> None:
    org = server.org
    repo = org.repositories[2].name
    query = f"repo:{org.login}/{repo} is:pr created:2025-03-01..2025-03-31 sort:created-asc"
    _, found, _ = search_all(client, query)
    expected = sorted(
        (pr for pr in org.pulls(repo) if pr.created_at.date() >= dt.date(2025, 3, 1)),
        key=lambda p: p.created_at,
    )
    assert [number for _, number in found] == [pr.number for pr in expected]


# ----- a PR through GraphQL equals the same PR over REST -----
PULL_DETAIL = """
query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      id databaseId number title body url state isDraft createdAt updatedAt closedAt mergedAt
      additions deletions changedFiles headRefName baseRefName headRefOid baseRefOid
      author { __typename login ... on User { databaseId } ... on Bot { databaseId } }
      mergedBy { login } mergeCommit { oid }
      labels(first: 10) { nodes { name } }
      repository { nameWithOwner databaseId }
      reviews(first: 100) {
        totalCount
        nodes { databaseId id state submittedAt body author { login } commit { oid } }
      }
      commits(first: 100) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { commit {
          oid message messageHeadline authoredDate committedDate
          author { name email date user { login databaseId } }
          committer { name email date user { login } }
          parents(first: 1) { totalCount nodes { oid } }
        } }
      }
    }
  }
}
"""


def _graphql_login(server: SandboxServer, rest_user: dict[str, Any] | None) -> str:
    """What GraphQL calls a REST user: deleted users are `ghost`, bots lose their `[bot]` suffix."""
    if rest_user is None:
        return "ghost"
    return str(rest_user["login"]).removesuffix("[bot]")


def test_a_pull_request_reads_the_same_as_over_rest(client: httpx.Client, server: SandboxServer) -> None:
    org = server.org
    deleted = {a.login for a in org.engineers if a.deleted}
    pulls = list(org.all_pulls())
    picks = [
        next(p for p in pulls if p.merged and len(p.reviews) >= 2 and 3 <= p.commit_count <= 100),
        next(p for p in pulls if any(r.reviewer in deleted for r in p.reviews)),
        next(p for p in pulls if p.kind == "dependency" and p.reviews),
        next(p for p in pulls if p.body is None),
    ]
    for pr in picks:
        rest_pull = client.get(f"/repos/{org.login}/{pr.repo}/pulls/{pr.number}").json()
        rest_reviews = client.get(f"/repos/{org.login}/{pr.repo}/pulls/{pr.number}/reviews").json()
        rest_commits = client.get(
            f"/repos/{org.login}/{pr.repo}/pulls/{pr.number}/commits", params={"per_page": 100}
        ).json()
        node = run(client, PULL_DETAIL, owner=org.login, name=pr.repo, number=pr.number)["repository"][
            "pullRequest"
        ]

        assert node["id"] == rest_pull["node_id"] and node["databaseId"] == rest_pull["id"]
        assert node["url"] == rest_pull["html_url"] and node["title"] == rest_pull["title"]
        assert node["body"] == (rest_pull["body"] or "")
        assert node["state"] == ("MERGED" if rest_pull["merged"] else rest_pull["state"].upper())
        assert node["isDraft"] == rest_pull["draft"]
        for field, rest_field in (
            ("createdAt", "created_at"),
            ("updatedAt", "updated_at"),
            ("closedAt", "closed_at"),
            ("mergedAt", "merged_at"),
            ("additions", "additions"),
            ("deletions", "deletions"),
            ("changedFiles", "changed_files"),
        ):
            assert node[field] == rest_pull[rest_field], field
        assert (node["headRefName"], node["headRefOid"]) == (
            rest_pull["head"]["ref"],
            rest_pull["head"]["sha"],
        )
        assert (node["baseRefName"], node["baseRefOid"]) == (
            rest_pull["base"]["ref"],
            rest_pull["base"]["sha"],
        )
        assert node["author"]["login"] == _graphql_login(
            server, rest_pull["user"] if pr.author not in deleted else None
        )
        assert (node["mergeCommit"] or {}).get("oid") == (
            rest_pull["merge_commit_sha"] if pr.merged else None
        )
        assert [label["name"] for label in node["labels"]["nodes"]] == [
            label["name"] for label in rest_pull["labels"]
        ]
        assert node["repository"] == {
            "nameWithOwner": f"{org.login}/{pr.repo}",
            "databaseId": rest_pull["base"]["repo"]["id"],
        }

        reviews = node["reviews"]["nodes"]
        assert node["reviews"]["totalCount"] == len(rest_reviews) == len(reviews)
        for graph, rest in zip(reviews, rest_reviews, strict=True):
            assert (graph["databaseId"], graph["id"], graph["state"]) == (
                rest["id"],
                rest["node_id"],
                rest["state"],
            )
            assert (graph["submittedAt"], graph["body"]) == (rest["submitted_at"], rest["body"])
            assert graph["commit"]["oid"] == rest["commit_id"]
            assert graph["author"]["login"] == _graphql_login(server, rest["user"])

        commits = [n["commit"] for n in node["commits"]["nodes"]]
        assert node["commits"]["totalCount"] == rest_pull["commits"] == len(rest_commits) == len(commits)
        for graph, rest in zip(commits, rest_commits, strict=True):
            assert graph["oid"] == rest["sha"] and graph["message"] == rest["commit"]["message"]
            assert graph["messageHeadline"] == rest["commit"]["message"].split("\n")[0]
            assert graph["authoredDate"] == rest["commit"]["author"]["date"]
            assert graph["committedDate"] == rest["commit"]["committer"]["date"]
            assert (graph["author"]["name"], graph["author"]["email"]) == (
                rest["commit"]["author"]["name"],
                rest["commit"]["author"]["email"],
            )
            rest_author = rest["author"] if rest["author"] and rest["author"]["type"] == "User" else None
            assert (graph["author"]["user"] or {}).get("login") == (rest_author or {}).get("login")
            assert [p["oid"] for p in graph["parents"]["nodes"]] == [p["sha"] for p in rest["parents"]]


def test_a_huge_pull_request_lists_250_commits_of_its_true_count(
    client: httpx.Client, server: SandboxServer
) -> None:
    org = server.org
    huge = max(org.all_pulls(), key=lambda p: p.commit_count)
    assert huge.commit_count > 250
    query = """
    query($o: String!, $n: String!, $number: Int!, $after: String) {
      repository(owner: $o, name: $n) { pullRequest(number: $number) {
        commits(first: 100, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } nodes { commit { oid } }
        }
      } }
    }
    """
    oids: list[str] = []
    after = None
    while True:
        commits = run(client, query, o=org.login, n=huge.repo, number=huge.number, after=after)["repository"][
            "pullRequest"
        ]["commits"]
        assert commits["totalCount"] == huge.commit_count
        oids += [n["commit"]["oid"] for n in commits["nodes"]]
        if not commits["pageInfo"]["hasNextPage"]:
            break
        after = commits["pageInfo"]["endCursor"]
    assert oids == [c.sha for c in org.commits(huge)[:250]]


# ----- details: files, checks, comments, threads, timeline -----
DETAILS = """
query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      files(first: 100) { totalCount nodes { path additions deletions changeType } }
      comments(first: 100) { totalCount nodes { databaseId body createdAt updatedAt author { login } } }
      reviewThreads(first: 100) {
        totalCount
        nodes {
          comments(first: 100) { nodes { databaseId path line replyTo { databaseId } author { login } } }
        }
      }
      timelineItems(first: 100, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT]) {
        totalCount
        nodes { __typename ... on ReadyForReviewEvent { createdAt } ... on ConvertToDraftEvent { createdAt } }
      }
      events: timelineItems(first: 100, itemTypes: [
        LABELED_EVENT, ASSIGNED_EVENT, REVIEW_REQUESTED_EVENT, READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT,
        MERGED_EVENT, CLOSED_EVENT, HEAD_REF_DELETED_EVENT
      ]) {
        nodes {
          __typename
          ... on LabeledEvent { createdAt } ... on AssignedEvent { createdAt }
          ... on ReviewRequestedEvent { createdAt } ... on ReadyForReviewEvent { createdAt }
          ... on ConvertToDraftEvent { createdAt } ... on MergedEvent { createdAt }
          ... on ClosedEvent { createdAt } ... on HeadRefDeletedEvent { createdAt }
        }
      }
      headCommit: commits(last: 1) { nodes { commit { oid checkSuites(first: 10) { nodes {
        app { slug } status conclusion
        checkRuns(first: 100) { nodes { databaseId name status conclusion startedAt completedAt } }
      } } } } }
    }
  }
}
"""

PATCH_STATUS = {"added": "ADDED", "modified": "MODIFIED", "removed": "DELETED", "renamed": "RENAMED"}
EVENT_TYPES = {
    "labeled": "LabeledEvent",
    "assigned": "AssignedEvent",
    "review_requested": "ReviewRequestedEvent",
    "ready_for_review": "ReadyForReviewEvent",
    "convert_to_draft": "ConvertToDraftEvent",
    "merged": "MergedEvent",
    "closed": "ClosedEvent",
    "head_ref_deleted": "HeadRefDeletedEvent",
}


def _iso(value: dt.datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def rest_list(client: httpx.Client, path: str) -> list[Any]:
    response = client.get(path, params={"per_page": 100})
    assert response.status_code == 200, (path, response.status_code, response.text[:200])
    return response.json()


def test_details_read_the_same_as_over_rest(client: httpx.Client, server: SandboxServer) -> None:
    """Files, comments, review threads, timeline events and head-commit checks equal the REST lists."""
    org = server.org
    pulls = list(org.all_pulls())
    picks = [
        next(p for p in pulls if p.draft_events and p.comments),
        next(p for p in pulls if p.comments and p.review_comments and p.merged and p.labels),
    ]
    seen = {"files": 0, "comments": 0, "review comments": 0, "draft events": 0, "check runs": 0, "events": 0}
    for pr in picks:
        base = f"/repos/{org.login}/{pr.repo}"
        node = run(client, DETAILS, owner=org.login, name=pr.repo, number=pr.number)["repository"][
            "pullRequest"
        ]
        files = rest_list(client, f"{base}/pulls/{pr.number}/files")
        assert node["files"]["totalCount"] == len(files) == pr.changed_files
        assert node["files"]["nodes"] == [
            {
                "path": f["filename"],
                "additions": f["additions"],
                "deletions": f["deletions"],
                "changeType": PATCH_STATUS[f["status"]],
            }
            for f in files
        ]
        comments = rest_list(client, f"{base}/issues/{pr.number}/comments")
        assert node["comments"]["totalCount"] == len(comments) == pr.comments
        assert [
            (c["databaseId"], c["body"], c["createdAt"], c["updatedAt"]) for c in node["comments"]["nodes"]
        ] == [(c["id"], c["body"], c["created_at"], c["updated_at"]) for c in comments]
        review_comments = rest_list(client, f"{base}/pulls/{pr.number}/comments")
        assert len(review_comments) == pr.review_comments
        in_threads = [c for thread in node["reviewThreads"]["nodes"] for c in thread["comments"]["nodes"]]
        by_id = {c["id"]: c for c in review_comments}
        assert sorted(c["databaseId"] for c in in_threads) == sorted(by_id)
        for comment in in_threads:
            rest = by_id[comment["databaseId"]]
            assert (comment["path"], comment["line"]) == (rest["path"], rest.get("line"))
            assert (comment["replyTo"] or {}).get("databaseId") == rest.get("in_reply_to_id")
        for thread in node["reviewThreads"]["nodes"]:
            root, *replies = thread["comments"]["nodes"]
            assert root["replyTo"] is None
            assert all(r["replyTo"] == {"databaseId": root["databaseId"]} for r in replies)
        kinds = {"ready_for_review": "ReadyForReviewEvent", "convert_to_draft": "ConvertToDraftEvent"}
        assert [(n["__typename"], n["createdAt"]) for n in node["timelineItems"]["nodes"]] == [
            (kinds[name], _iso(at)) for name, at in pr.draft_events
        ]
        events = rest_list(client, f"{base}/issues/{pr.number}/events")
        assert [(n["__typename"], n["createdAt"]) for n in node["events"]["nodes"]] == [
            (EVENT_TYPES[e["event"]], e["created_at"]) for e in events if e["event"] in EVENT_TYPES
        ]
        head = node["headCommit"]["nodes"][0]["commit"]
        assert head["oid"] == pr.head_sha
        runs = client.get(f"{base}/commits/{pr.head_sha}/check-runs", params={"per_page": 100}).json()
        graph_runs = [run for suite in head["checkSuites"]["nodes"] for run in suite["checkRuns"]["nodes"]]
        assert sorted((r["databaseId"], r["name"], r["status"].lower()) for r in graph_runs) == sorted(
            (r["id"], r["name"], r["status"]) for r in runs["check_runs"]
        )
        for suite in head["checkSuites"]["nodes"]:
            assert suite["status"] in ("COMPLETED", "IN_PROGRESS", "QUEUED")
            assert (suite["conclusion"] is None) == (suite["status"] != "COMPLETED")
        counts = (
            len(files),
            len(comments),
            len(review_comments),
            len(pr.draft_events),
            len(graph_runs),
            len(events),
        )
        seen = {name: seen[name] + count for name, count in zip(seen, counts, strict=True)}
    assert all(seen.values()), seen  # the picks exercise every kind of detail


def test_node_lookup_and_types(client: httpx.Client, server: SandboxServer) -> None:
    org = server.org
    pr = next(p for p in org.all_pulls() if p.reviews)
    bot = next(a for a in org.bots if a.login.startswith("dependabot"))
    data = run(
        client,
        """query($ids: [ID!]!, $pr: ID!) {
          node(id: $pr) { __typename ... on PullRequest { number } }
          nodes(ids: $ids) { __typename id ... on Actor { login } }
          viewer { login }
          organization(login: "dexxy-demo") { repositories(first: 100) { totalCount nodes { name } } }
        }""",
        ids=[org.repositories[0].node_id, bot.node_id, pr.reviews[0].node_id, "MDQ6VXNlcjA="],
        pr=pr.node_id,
    )
    assert data["node"] == {"__typename": "PullRequest", "number": pr.number}
    types = [n and n["__typename"] for n in data["nodes"]]
    assert types == ["Repository", "Bot", "PullRequestReview", None]
    assert data["nodes"][1]["login"] == "dependabot"  # GraphQL drops the [bot] suffix
    assert data["viewer"]["login"] == org.members()[0].login
    assert [r["name"] for r in data["organization"]["repositories"]["nodes"]] == [
        r.name for r in org.repositories
    ]
