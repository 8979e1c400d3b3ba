"""The sandbox behaves like GitHub where clients depend on it: paging, ordering, ETags, budgets, auth, faults;
and the synthetic org is deterministic, never in the future, and realistic enough to be worth analysing."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.org import generate_org
from dexxy_sandbox.org.model import SyntheticOrg
from dexxy_sandbox.server import SandboxServer

UNTIL = dt.date(2025, 3, 31)
AUTH = {"Authorization": "token sandbox-token"}


@pytest.fixture(scope="module")
def org() -> SyntheticOrg:
    return generate_org(until=UNTIL)


@pytest.fixture(scope="module")
def server(org: SyntheticOrg) -> Iterator[SandboxServer]:
    with SandboxServer(org=org) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.github_api_url, headers=AUTH, timeout=30) as http:
        yield http


def links(response: httpx.Response) -> dict[str, str]:
    """rel -> url from a Link header."""
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("link", ""))}


# ----- the generator -----


def test_same_seed_same_org_and_different_seed_different_org(org: SyntheticOrg) -> None:
    again = generate_org(until=UNTIL)
    assert again.fingerprint(include_commits=True) == org.fingerprint(include_commits=True)
    assert generate_org(seed=8, until=UNTIL).fingerprint() != org.fingerprint()


def test_an_earlier_cut_shows_the_same_history_with_less_future(org: SyntheticOrg) -> None:
    """Generating at noon or at midnight must not reshuffle the PRs that already existed at noon."""
    noon = dt.datetime.combine(UNTIL, dt.time(12), dt.UTC) - dt.timedelta(days=5)
    earlier = generate_org(until=UNTIL, as_of=noon)
    later_pulls = {(p.repo, p.number): p for p in org.all_pulls()}
    earlier_pulls = list(earlier.all_pulls())
    assert 0 < len(earlier_pulls) < len(later_pulls)
    for pr in earlier_pulls:
        assert pr.updated_at <= noon
        assert later_pulls[(pr.repo, pr.number)].title == pr.title
        assert later_pulls[(pr.repo, pr.number)].created_at == pr.created_at


def test_nothing_happens_after_now() -> None:
    today = generate_org(days=10)
    now = dt.datetime.now(dt.UTC)
    assert today.until == now.date() and today.as_of <= now
    for pr in today.all_pulls():
        assert pr.created_at <= pr.updated_at <= today.as_of
        assert all(r.submitted_at <= today.as_of for r in pr.reviews)
        assert all(c.committed_at <= today.as_of for c in today.commits(pr))


def test_a_one_day_org_whose_repository_has_no_merges_still_generates() -> None:
    """A tiny org (one engineer, one day: `dexxy bench --engineers 1 --days 1`) once crashed the deployment
    planner, which paired every merge with the next one and assumed there was at least one."""
    tiny = generate_org(engineers=1, repos=1, days=1, until=dt.date(2025, 3, 1))
    assert not any(pr.merged_at for pr in tiny.all_pulls())
    baseline = [d for repo in tiny.repositories for d in tiny.deployments(repo.name)]
    assert len(baseline) >= 2  # the baseline deployments to production and staging


def test_org_has_realistic_shape(org: SyntheticOrg) -> None:
    pulls = list(org.all_pulls())
    assert org.start == UNTIL - dt.timedelta(days=119)
    human = [p for p in pulls if p.kind != "dependency"]
    working_days = sum(1 for i in range(120) if (org.start + dt.timedelta(days=i)).weekday() < 5)
    assert 0.8 <= len(human) / (len(org.engineers) * working_days) <= 2.0
    states = Counter("merged" if p.merged else p.state for p in pulls)
    assert 0.7 <= states["merged"] / len(pulls) <= 0.9
    assert states["closed"] > 0 and states["open"] > 0 and any(p.draft for p in pulls)
    kinds = Counter(p.kind for p in pulls)
    assert all(kinds[k] > 0 for k in ("feature", "fix", "chore", "hotfix", "revert", "dependency"))
    assert Counter(r.state for p in pulls for r in p.reviews).keys() == {
        "APPROVED",
        "CHANGES_REQUESTED",
        "COMMENTED",
    }
    assert max(len(p.reviews) for p in pulls) <= 4
    assert any(p.body is None for p in pulls)
    assert any(a.deleted for a in org.engineers)
    assert any(p.author.endswith("[bot]") for p in pulls)
    assert any(r.reviewer.endswith("[bot]") for p in pulls for r in p.reviews)
    assert any(r.reviewer == p.author for p in pulls for r in p.reviews)  # self-comments
    assert max(p.commit_count for p in pulls) > 250
    for pr in pulls:
        events = [
            pr.created_at,
            *(r.submitted_at for r in pr.reviews),
            pr.closed_at,
            *pr.commit_plan.fixup_times,
        ]
        assert pr.updated_at >= max(e for e in events if e)
        assert pr.commit_plan.first_commit_at < pr.created_at


def test_org_carries_jira_keys_ai_trailers_and_hard_cases(org: SyntheticOrg) -> None:
    pulls = list(org.all_pulls())
    keys = {r.jira_project_key for r in org.repositories}
    key_re = re.compile(rf"\b(?:{'|'.join(keys)})-\d+\b")
    assert sum(bool(key_re.search(p.title)) for p in pulls) > 50
    assert sum(bool(key_re.search(p.head_ref)) for p in pulls) > 50
    assert any(p.head_ref.startswith("hotfix/") and p.title.startswith("hotfix: ") for p in pulls)
    assert any(
        p.head_ref.startswith("dependabot/") and p.title.split(" ")[0] in ("Bump", "build(deps):")
        for p in pulls
    )
    revert = next(p for p in pulls if p.kind == "revert")
    assert revert.title.startswith('Revert "') and revert.head_ref.startswith(
        f"revert-{revert.reverts_number}-"
    )
    messages = [c.message for p in pulls if p.ai_tools for c in org.commits(p)]
    assert any("Co-Authored-By: Claude <noreply@anthropic.com>" in m for m in messages)
    assert any("Co-authored-by: Copilot" in m for m in messages)
    assert any("Co-authored-by: Cursor Agent" in m for m in messages)
    human_trailers = [c.message for p in pulls if p.commit_plan.co_author for c in org.commits(p)]
    assert any(re.search(r"Co-authored-by: Devin \w+ <", m) for m in human_trailers)
    share = sum(bool(p.ai_tools) for p in pulls) / len(pulls)
    assert 0.1 < share < 0.6


# ----- paging and ordering -----


def test_link_pagination_covers_every_pr_exactly_once(client: httpx.Client, server: SandboxServer) -> None:
    repo = server.org.repositories[0].name
    response = client.get(f"/repos/{server.org.login}/{repo}/pulls", params={"state": "all", "per_page": 7})
    first_links = links(response)
    assert set(first_links) == {"next", "last"}
    seen: list[int] = []
    pages = 0
    while True:
        assert response.status_code == 200
        seen += [p["number"] for p in response.json()]
        pages += 1
        rels = links(response)
        if "next" not in rels:
            assert set(rels) == {"prev", "first"}
            break
        if pages > 1:
            assert set(rels) == {"prev", "next", "last", "first"}
        next_url = rels["next"]
        assert next_url.startswith(f"{server.github_api_url}/repositories/")
        assert parse_qs(urlparse(next_url).query) == {
            "state": ["all"],
            "per_page": ["7"],
            "page": [str(pages + 1)],
        }
        response = client.get(next_url)
    expected = server.org.pulls(repo)
    assert sorted(seen) == [p.number for p in expected] and len(seen) == len(set(seen))
    assert seen == sorted(seen, reverse=True)  # default: sort=created, direction=desc
    assert first_links["last"].endswith(f"page={pages}")


def test_sort_by_updated(client: httpx.Client, server: SandboxServer) -> None:
    repo = server.org.repositories[1].name
    url = f"/repos/{server.org.login}/{repo}/pulls"
    newest_first = client.get(
        url, params={"state": "all", "sort": "updated", "direction": "desc", "per_page": 100}
    )
    stamps = [p["updated_at"] for p in newest_first.json()]
    assert stamps == sorted(stamps, reverse=True) and len(stamps) == 100
    newest = max(server.org.pulls(repo), key=lambda p: (p.updated_at, p.number))
    assert newest_first.json()[0]["number"] == newest.number
    oldest_first = client.get(url, params={"state": "closed", "sort": "updated"}).json()  # default asc here
    assert [p["updated_at"] for p in oldest_first] == sorted(p["updated_at"] for p in oldest_first)
    assert all(p["state"] == "closed" for p in oldest_first)
    assert client.get(url, params={"state": "bogus"}).status_code == 422


def test_commits_list_is_capped_at_250(client: httpx.Client, server: SandboxServer) -> None:
    org = server.org
    huge = max(org.all_pulls(), key=lambda p: p.commit_count)
    base = f"/repos/{org.login}/{huge.repo}/pulls/{huge.number}"
    assert client.get(base).json()["commits"] == huge.commit_count > 250
    shas: list[str] = []
    response = client.get(f"{base}/commits", params={"per_page": 100})
    while True:
        shas += [c["sha"] for c in response.json()]
        if "next" not in links(response):
            break
        response = client.get(links(response)["next"])
    assert len(shas) == 250 == len(set(shas))
    assert shas == [c.sha for c in org.commits(huge)[:250]]


# ----- caching, budgets, auth -----


def test_etag_gives_304_which_is_not_charged(client: httpx.Client, server: SandboxServer) -> None:
    url = f"/repos/{server.org.login}/{server.org.repositories[0].name}"
    first = client.get(url)
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["content-type"] == "application/json; charset=utf-8"
    used = int(first.headers["x-ratelimit-used"])
    before = server.request_log.not_modified
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert int(again.headers["x-ratelimit-used"]) == used
    assert server.request_log.not_modified == before + 1
    assert client.get(url, headers={"If-None-Match": 'W/"stale"'}).status_code == 200


def test_response_headers_look_like_github(client: httpx.Client) -> None:
    response = client.get("/rate_limit", headers={"X-GitHub-Api-Version": "2022-11-28"})
    assert response.headers["x-github-api-version"] == "2022-11-28"
    assert re.fullmatch(
        r"[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]+:[0-9A-F]+:[0-9A-F]+", response.headers["x-github-request-id"]
    )
    for name in ("limit", "remaining", "used", "reset", "resource"):
        assert f"x-ratelimit-{name}" in response.headers


def test_bad_or_missing_token_is_401(server: SandboxServer) -> None:
    url = f"{server.github_api_url}/orgs/{server.org.login}"
    for headers in ({"Authorization": "token nope"}, {"Authorization": "Bearer nope"}, {}):
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401
        assert response.json()["status"] == "401" and "documentation_url" in response.json()
    assert httpx.get(url, headers={"Authorization": "token nope"}).json()["message"] == "Bad credentials"
    assert httpx.get(url, headers={"Authorization": "Bearer sandbox-token"}).status_code == 200


def test_unknown_things_are_404(client: httpx.Client, server: SandboxServer) -> None:
    login, repo = server.org.login, server.org.repositories[0].name
    for url in (
        f"/repos/{login}/nope",
        f"/repos/other-org/{repo}",
        f"/repos/{login}/{repo}/pulls/999999",
        "/nope",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["message"] == "Not Found"


def test_request_log_counts_per_template(client: httpx.Client, server: SandboxServer) -> None:
    template = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"
    before, total = server.request_log.by_template[template], server.request_log.total
    pr = next(server.org.all_pulls())
    for _ in range(3):
        client.get(f"/repos/{server.org.login}/{pr.repo}/pulls/{pr.number}/reviews")
    assert server.request_log.by_template[template] == before + 3
    assert server.request_log.total == total + 3


def test_spent_budget_gives_403_until_the_window_resets(org: SyntheticOrg) -> None:
    now = [1_900_000_000.0]  # a fake clock: the window's reset is reached by moving it, not by sleeping
    with SandboxServer(
        org=org, rate_limit_per_hour=5, rate_limit_window_seconds=2, clock=lambda: now[0]
    ) as small:
        url = f"{small.github_api_url}/orgs/{org.login}"
        with httpx.Client(headers=AUTH) as http:
            remaining = [int(http.get(url).headers["x-ratelimit-remaining"]) for _ in range(5)]
            assert remaining == [4, 3, 2, 1, 0]
            limited = http.get(url)
            assert limited.status_code == 403
            assert limited.json()["message"].startswith("API rate limit exceeded for user ID")
            assert limited.headers["x-ratelimit-remaining"] == "0"
            reset = int(limited.headers["x-ratelimit-reset"])
            assert now[0] < reset <= now[0] + 3
            assert http.get(f"{small.github_api_url}/rate_limit").json()["rate"]["remaining"] == 0  # free
            assert small.request_log.forbidden == 1
            now[0] = reset + 0.05
            recovered = http.get(url)
            assert recovered.status_code == 200 and recovered.headers["x-ratelimit-remaining"] == "4"


# ----- faults -----


@pytest.fixture
def faulty(org: SyntheticOrg) -> Iterator[SandboxServer]:
    with SandboxServer(org=org) as running:
        yield running


def _get(server: SandboxServer, path: str = "/rate_limit") -> httpx.Response:
    return httpx.get(f"{server.github_api_url}{path}", headers=AUTH)


def test_fault_server_errors(faulty: SandboxServer) -> None:
    faulty.faults = FaultConfig(error_rate=1.0)
    statuses = {_get(faulty).status_code for _ in range(12)}
    assert statuses <= {500, 502, 503} and statuses
    assert "message" in _get(faulty).json()


@pytest.mark.parametrize("status", [403, 429])
def test_fault_secondary_rate_limit(faulty: SandboxServer, status: int) -> None:
    faulty.faults = FaultConfig(secondary_rate_limit_rate=1.0, secondary_rate_limit_status=status)
    response = _get(faulty, f"/orgs/{faulty.org.login}")
    assert response.status_code == status and response.headers["retry-after"] == "1"
    assert response.json()["message"].startswith("You have exceeded a secondary rate limit")
    assert int(response.headers["x-ratelimit-remaining"]) > 0
    assert faulty.request_log.count(status) == 1


def test_fault_latency(faulty: SandboxServer) -> None:
    faulty.faults = FaultConfig(latency_ms=150)
    started = time.perf_counter()
    assert _get(faulty).status_code == 200
    assert time.perf_counter() - started >= 0.15


def test_fault_dropped_connection(faulty: SandboxServer) -> None:
    faulty.faults = FaultConfig(drop_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        _get(faulty)
    assert faulty.request_log.dropped == 1
    faulty.faults = None
    assert _get(faulty).status_code == 200


def test_fault_malformed_body(faulty: SandboxServer) -> None:
    faulty.faults = FaultConfig(malformed_rate=1.0)
    response = _get(faulty, f"/orgs/{faulty.org.login}")
    assert response.status_code == 200 and "etag" not in response.headers
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_fault_token_expiry(faulty: SandboxServer) -> None:
    faulty.faults = FaultConfig(token_expires_after_requests=3)
    assert [_get(faulty).status_code for _ in range(5)] == [200, 200, 200, 401, 401]
    assert _get(faulty).json()["message"] == "Bad credentials"


def test_faults_are_reproducible(faulty: SandboxServer) -> None:
    config = FaultConfig(error_rate=0.3, malformed_rate=0.2)
    runs = []
    for _ in range(2):
        faulty.faults = config  # restarts the fault sequence from the seed
        runs.append([(r.status_code, len(r.content)) for r in (_get(faulty) for _ in range(25))])
    assert runs[0] == runs[1]
    assert {status for status, _ in runs[0]} >= {200} and any(status >= 500 for status, _ in runs[0])


def test_fault_config_parse() -> None:
    parsed = FaultConfig.parse("error_rate=0.1, latency_ms=50,token_expires_after_requests=100")
    assert parsed == FaultConfig(error_rate=0.1, latency_ms=50, token_expires_after_requests=100)
    assert FaultConfig.parse("") == FaultConfig.parse("none") == FaultConfig()
    assert FaultConfig.parse(parsed.describe()) == parsed
    for bad in ("error_rate", "nonsense=1", "error_rate=2"):
        with pytest.raises(ValueError):
            FaultConfig.parse(bad)


# ----- the CLI -----


def test_cli_serve_prints_env_lines_and_stops_on_ctrl_c() -> None:
    command = [sys.executable, "-m", "dexxy_sandbox.cli", "--port", "0", "--days", "14", "--engineers", "4"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(4)]
        env = dict(line.split("=", 1) for line in lines)
        assert env["GITHUB_ORGS"] == "dexxy-demo" and env["GITHUB_FETCH_MODE"] == "graphql"
        response = httpx.get(
            f"{env['GITHUB_API_URL']}/rate_limit", headers={"Authorization": f"token {env['GITHUB_TOKEN']}"}
        )
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_serve_stops_cleanly_when_interrupted_while_printing() -> None:
    """Ctrl-C right after the first line, while the other services' lines are still being printed."""
    command = [sys.executable, "-m", "dexxy_sandbox.cli", "--port", "0", "--days", "14", "--engineers", "4"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("GITHUB_API_URL=")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
