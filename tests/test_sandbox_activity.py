"""Files, check runs, comments, timeline events, deployments and comparisons: consistent with the pull
requests they belong to, with each other, and with GitHub's caps, paging and filters."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from dexxy_sandbox.org import generate_org
from dexxy_sandbox.org.issue_generator import issue_book
from dexxy_sandbox.org.model import Deployment, PullRequest, SyntheticOrg
from dexxy_sandbox.org.path_vocabulary import DEPENDENCY_FILES
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
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("link", ""))}


def every_page(client: httpx.Client, url: str, key: str | None = None, **params: Any) -> list[Any]:
    response = client.get(url, params=params)
    items: list[Any] = []
    while True:
        assert response.status_code == 200, response.text[:300]
        items += response.json()[key] if key else response.json()
        if "next" not in links(response):
            return items
        response = client.get(links(response)["next"])


def merged_in_order(org: SyntheticOrg, repo: str) -> list[PullRequest]:
    return sorted((p for p in org.pulls(repo) if p.merged_at), key=lambda p: (p.merged_at, p.number))


# ----- files -----


def test_files_add_up_to_the_pull_request_and_follow_the_language(org: SyntheticOrg) -> None:
    extensions = {
        "Go": ".go",
        "TypeScript": ".ts",
        "Python": ".py",
        "HCL": ".tf",
        "Java": ".java",
        "Rust": ".rs",
    }
    statuses: Counter[str] = Counter()
    for repo in org.repositories:
        names = []
        for pr in org.pulls(repo.name):
            files = org.files(pr)
            assert len(files) == pr.changed_files == len({f.filename for f in files})
            assert sum(f.additions for f in files) == pr.additions
            assert sum(f.deletions for f in files) == pr.deletions
            for file in files:
                statuses[file.status] += 1
                assert file.status != "added" or file.deletions == 0
                assert file.status != "removed" or file.additions == 0
                assert (file.previous_filename is not None) == (file.status == "renamed")
                if file.patch is not None:  # the patch's +/- lines are the counts
                    lines = file.patch.split("\n")
                    assert sum(1 for line in lines if line.startswith("+")) == file.additions
                    assert sum(1 for line in lines if line.startswith("-")) == file.deletions
            names += [f.filename for f in files]
        expected = extensions.get(repo.language)
        if expected:
            assert sum(name.endswith(expected) or f"{expected}x" in name for name in names) > len(names) / 4
    assert set(statuses) == {"added", "modified", "removed", "renamed"}
    revert = next(p for p in org.all_pulls() if p.kind == "revert")
    original = org.pull(revert.repo, revert.reverts_number or 0)
    assert original is not None  # a revert's files mirror the reverted PR's
    assert Counter((f.additions, f.deletions) for f in org.files(revert)) == Counter(
        (f.deletions, f.additions) for f in org.files(original)
    )
    for pr in (p for p in org.all_pulls() if p.kind == "dependency"):
        ecosystem = org.repository(pr.repo).dependency_ecosystem  # type: ignore[union-attr]
        assert {f.filename for f in org.files(pr)} <= set(DEPENDENCY_FILES[ecosystem])


def test_files_list_stops_at_3000(org: SyntheticOrg) -> None:
    """GitHub lists at most 3000 files of a PR; `changed_files` still says how many there are."""
    repo = org.repositories[0].name
    victim = org.pulls(repo)[0]
    big = dataclasses.replace(victim, changed_files=3100, additions=9000, deletions=2000)
    fields = {f.name: getattr(org, f.name) for f in dataclasses.fields(org) if not f.name.startswith("_")}
    fields["pulls_by_repo"] = {**org.pulls_by_repo, repo: (big, *org.pulls(repo)[1:])}
    with SandboxServer(org=SyntheticOrg(**fields)) as server, httpx.Client(headers=AUTH, timeout=60) as http:
        url = f"{server.github_api_url}/repos/{org.login}/{repo}/pulls/{big.number}"
        assert http.get(url).json()["changed_files"] == 3100
        first = http.get(f"{url}/files", params={"per_page": 100})
        assert links(first)["last"].endswith("page=30")
        response = http.get(f"{url}/files", params={"per_page": 100, "page": 30})
        assert len(response.json()) == 100 and "next" not in links(response)
        assert http.get(f"{url}/files", params={"per_page": 100, "page": 31}).json() == []
        assert len(server.org.files(big)) == 3100


# ----- comments -----


def test_comment_counts_and_updated_at_agree_with_the_endpoints(org: SyntheticOrg) -> None:
    replies = bot_comments = edited = 0
    for pr in org.all_pulls():
        issue, review = org.issue_comments(pr), org.review_comments(pr)
        assert (len(issue), len(review)) == (pr.comments, pr.review_comments)
        stamps = [*issue, *review]
        assert all(pr.created_at <= c.created_at <= c.updated_at <= pr.updated_at for c in stamps)
        assert all(pr.updated_at >= when for _, when in pr.draft_events)
        roots = {c.id: c for c in review if c.in_reply_to_id is None}
        for comment in review:
            if comment.in_reply_to_id is None:
                assert comment.review_id in {r.id for r in pr.reviews}
                continue
            replies += 1
            root = roots[comment.in_reply_to_id]
            assert comment.created_at > root.updated_at  # after the review was submitted
            assert comment.author in (pr.author, root.author)
            assert (comment.path, comment.line, comment.diff_hunk) == (root.path, root.line, root.diff_hunk)
        bot_comments += sum(c.author.endswith("[bot]") for c in stamps)
        edited += sum(c.updated_at > c.created_at for c in issue)
        for review_record in pr.reviews:
            submitted = [c for c in review if c.review_id == review_record.id]
            assert len(submitted) == review_record.comment_count
    assert replies > 50 and bot_comments > 50 and edited > 10


def test_review_comments_sit_on_lines_of_the_diff(org: SyntheticOrg) -> None:
    checked = 0
    for pr in list(org.all_pulls())[:300]:
        files = {f.filename: f for f in org.files(pr)}
        for comment in org.review_comments(pr):
            assert comment.path in files
            if comment.line is None:
                continue
            hunk = comment.diff_hunk.split("\n")
            assert hunk[0].startswith("@@ ") and hunk[-1] in (files[comment.path].patch or "").split("\n")
            assert hunk[-1][:1] == ("-" if comment.side == "LEFT" else "+") or hunk[-1][:1] == " "
            checked += 1
    assert checked > 100


def test_repo_wide_comments_filter_by_since_and_sort(
    client: httpx.Client, server: SandboxServer, org: SyntheticOrg
) -> None:
    repo = org.repositories[0].name
    everything = every_page(client, f"/repos/{org.login}/{repo}/issues/comments", per_page=100)
    expected = sorted(s.id for p in org.pulls(repo) for s in p.issue_comment_stamps)
    expected = sorted(
        expected + [c.id for i in issue_book(org).issues(repo) for c in i.comments]
    )  # issues too
    assert [c["id"] for c in everything] == expected  # ascending ids by default
    since = org.as_of - dt.timedelta(days=10)
    recent = every_page(
        client,
        f"/repos/{org.login}/{repo}/pulls/comments",
        per_page=50,
        since=since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        sort="updated",
        direction="desc",
    )
    stamps = [s for p in org.pulls(repo) for s in p.review_comment_stamps if s.updated_at >= since]
    assert len(recent) == len(stamps) > 0
    updated = [c["updated_at"] for c in recent]
    assert updated == sorted(updated, reverse=True)
    assert (
        client.get(f"/repos/{org.login}/{repo}/issues/comments", params={"since": "yesterday"}).status_code
        == 422
    )
    one = everything[0]
    assert client.get(f"/repos/{org.login}/{repo}/issues/comments/{one['id']}").json() == one


# ----- timeline events -----


def test_issue_events_tell_the_draft_and_merge_story(client: httpx.Client, org: SyntheticOrg) -> None:
    readied = next(p for p in org.all_pulls() if p.opened_as_draft and p.merged and p.draft_events)
    events = every_page(client, f"/repos/{org.login}/{readied.repo}/issues/{readied.number}/events")
    names = [e["event"] for e in events]
    assert names.count("ready_for_review") == 1 and "merged" in names and "closed" in names
    assert names.index("ready_for_review") < names.index("merged")
    merged = next(e for e in events if e["event"] == "merged")
    assert merged["commit_id"] == readied.merge_commit_sha
    assert sum(p.opened_as_draft and not p.draft for p in org.all_pulls()) > 20
    assert any(p.draft_events and p.draft_events[0][0] == "convert_to_draft" for p in org.all_pulls())


def test_an_earlier_cut_shows_the_same_details_with_less_future(org: SyntheticOrg) -> None:
    noon = dt.datetime.combine(UNTIL, dt.time(12), dt.UTC) - dt.timedelta(days=3)
    earlier = generate_org(until=UNTIL, as_of=noon)
    later = {(p.repo, p.number): p for p in org.all_pulls()}
    for pr in earlier.all_pulls():
        now = later[(pr.repo, pr.number)]
        assert org.files(now) == earlier.files(pr)
        then_comments = {c.id: c for c in earlier.issue_comments(pr)}
        assert then_comments.keys() <= {c.id for c in org.issue_comments(now)}
        assert {s.id for s in pr.review_comment_stamps} <= {s.id for s in now.review_comment_stamps}
        for run in earlier.check_runs_for(pr, pr.commit_count - 1):
            if run.status == "completed":
                assert run in org.check_runs_for(now, pr.commit_count - 1)
    for repo in org.repositories:
        then = {d.id: d for d in earlier.deployments(repo.name)}
        assert then and all(
            then[d.id].statuses == d.statuses[: len(then[d.id].statuses)]
            for d in org.deployments(repo.name)
            if d.id in then
        )


# ----- check runs -----


def test_check_runs_on_heads_and_merge_commits(client: httpx.Client, org: SyntheticOrg) -> None:
    pulls = list(org.all_pulls())
    conclusions: Counter[str | None] = Counter()
    for pr in pulls:
        runs = org.check_runs_for(pr, pr.commit_count - 1)
        assert runs and all(r.head_sha == pr.head_sha for r in runs)
        assert all(r.started_at >= pr.created_at for r in runs)
        conclusions.update(r.conclusion for r in runs)
    assert {"success", "failure", "cancelled", "skipped", "neutral"} <= set(conclusions)
    assert conclusions["success"] > 0.8 * sum(conclusions.values())
    rerun = next((p, r) for p in pulls for r in org.check_runs_for(p, p.commit_count - 1) if r.attempt > 1)
    pr, second = rerun
    url = f"/repos/{org.login}/{pr.repo}/commits/{pr.head_sha}/check-runs"
    latest = client.get(url).json()
    every = client.get(url, params={"filter": "all"}).json()
    assert every["total_count"] == latest["total_count"] + sum(
        1
        for r in org.check_runs_for(pr, pr.commit_count - 1)
        if r.name == second.name and r.attempt < second.attempt
    )
    assert [r["id"] for r in latest["check_runs"] if r["name"] == second.name] == [second.id]
    named = client.get(url, params={"filter": "all", "check_name": second.name}).json()
    assert {r["name"] for r in named["check_runs"]} == {second.name} and named[
        "total_count"
    ] == second.attempt
    paged = every_page(client, url, key="check_runs", filter="all", per_page=1)
    assert sorted(r["id"] for r in paged) == sorted(r["id"] for r in every["check_runs"])
    merged = next(p for p in pulls if p.merged)
    on_main = client.get(
        f"/repos/{org.login}/{merged.repo}/commits/{merged.merge_commit_sha}/check-runs"
    ).json()
    assert on_main["total_count"] > 0 and all(r["pull_requests"] == [] for r in on_main["check_runs"])
    by_branch = client.get(f"/repos/{org.login}/{pr.repo}/commits/{pr.head_ref}/check-runs")
    assert by_branch.status_code == 200
    unknown = client.get(f"/repos/{org.login}/{pr.repo}/commits/{'f' * 40}/check-runs")
    assert unknown.status_code == 422 and unknown.json()["message"].startswith("No commit found for SHA")


def test_checks_are_still_running_just_after_a_push(org: SyntheticOrg) -> None:
    opened = max((p for p in org.all_pulls() if p.state == "open"), key=lambda p: p.created_at)
    moment = opened.created_at + dt.timedelta(minutes=3)
    cut = generate_org(until=UNTIL, as_of=moment)
    pr = cut.pull(opened.repo, opened.number)
    assert pr is not None and pr.state == "open"
    runs = cut.check_runs_for(pr, pr.commit_count - 1)
    assert {r.status for r in runs} & {"queued", "in_progress"}
    assert all(r.conclusion is None and r.completed_at is None for r in runs if r.status != "completed")


# ----- deployments and compare -----


def test_deployments_follow_the_default_branch(org: SyntheticOrg) -> None:
    for repo in org.repositories:
        deployments = org.deployments(repo.name)
        production = [d for d in deployments if d.production]
        history = org.default_branch_commits(repo.name)
        first = production[0]
        assert (
            first.kind == "baseline" and first.sha == history[0].sha and first.created_at.date() < org.start
        )
        main_times = [(c.committed_at, c.sha) for c in history]
        main_shas = {c.sha for c in history}
        for deployment in production:
            assert [s.state for s in deployment.statuses[:2]] == ["queued", "in_progress"]
            if deployment.kind in ("release", "hotfix", "retry", "baseline"):
                latest = max((t, sha) for t, sha in main_times if t <= deployment.created_at)[1]
                assert deployment.sha == latest
            if deployment.kind == "rollback":
                assert deployment.sha in main_shas
        days = sorted({d.created_at.date() for d in production if d.created_at.date() >= org.start})
        working_days = [org.start + dt.timedelta(days=i) for i in range((org.until - org.start).days + 1)]
        working_days = [d for d in working_days if d.weekday() < 5]
        assert len(days) >= 0.5 * len(working_days)
        assert any(d.sha not in main_shas for d in deployments)  # branch deployments
        staging = [d for d in deployments if d.environment == "staging"]
        assert sum(d.state == "inactive" for d in staging) > 0.8 * len(staging) - 5
    everything = [d for r in org.repositories for d in org.deployments(r.name)]
    kinds = Counter(d.kind for d in everything)
    assert {"baseline", "release", "continuous", "branch", "hotfix"} <= set(kinds)
    assert any(d.state in ("failure", "error") for d in everything if d.production)
    assert any(d.kind == "rollback" for d in everything)


def test_deployments_list_newest_first_with_filters(client: httpx.Client, org: SyntheticOrg) -> None:
    repo = org.repositories[0].name
    listed = every_page(client, f"/repos/{org.login}/{repo}/deployments", per_page=100)
    assert [d["id"] for d in listed] == sorted((d.id for d in org.deployments(repo)), reverse=True)
    production = every_page(client, f"/repos/{org.login}/{repo}/deployments", environment="production")
    assert production and all(d["environment"] == "production" for d in production)
    sha = production[3]["sha"]
    by_sha = client.get(f"/repos/{org.login}/{repo}/deployments", params={"sha": sha}).json()
    assert by_sha and all(d["sha"] == sha for d in by_sha)
    statuses = client.get(f"/repos/{org.login}/{repo}/deployments/{production[3]['id']}/statuses").json()
    assert [s["state"] for s in statuses][-2:] == ["in_progress", "queued"]  # newest first
    assert client.get(f"/repos/{org.login}/{repo}/deployments/1").status_code == 404


def _successes(org: SyntheticOrg, repo: str) -> list[Deployment]:
    return [d for d in org.deployments(repo) if d.production and d.state == "success" and d.kind != "branch"]


def test_compare_between_deployments_lists_the_merges_in_between(
    client: httpx.Client, org: SyntheticOrg
) -> None:
    for repo in org.repositories:
        successes = _successes(org, repo.name)
        merged = merged_in_order(org, repo.name)
        position = {p.merge_commit_sha: i for i, p in enumerate(merged)}
        for base, head in zip(successes[-6:-1], successes[-5:], strict=True):
            start = position.get(base.sha, -1) + 1
            expected = [p.merge_commit_sha for p in merged[start : position[head.sha] + 1]]
            url = f"/repos/{org.login}/{repo.name}/compare/{base.sha}...{head.sha}"
            body = client.get(url).json()
            assert [c["sha"] for c in body["commits"]] == expected
            assert (body["ahead_by"], body["behind_by"], body["total_commits"]) == (
                len(expected),
                0,
                len(expected),
            )
            assert body["status"] == ("ahead" if expected else "identical")
            assert body["merge_base_commit"]["sha"] == base.sha and body["base_commit"]["sha"] == base.sha
            paged = every_page(client, url, key="commits", per_page=2)
            assert [c["sha"] for c in paged] == expected
        back = client.get(
            f"/repos/{org.login}/{repo.name}/compare/{successes[-1].sha}...{successes[-3].sha}"
        ).json()
        assert back["status"] == "behind" and back["ahead_by"] == 0 and back["commits"] == []


def test_compare_edge_cases(client: httpx.Client, org: SyntheticOrg) -> None:
    repo = max(org.repositories, key=lambda r: len(merged_in_order(org, r.name))).name
    history = org.default_branch_commits(repo)
    url = f"/repos/{org.login}/{repo}/compare"
    everything = client.get(f"{url}/{history[0].sha}...main").json()
    assert everything["total_commits"] == len(history) - 1
    assert [c["sha"] for c in everything["commits"]] == [c.sha for c in history[1:]][-250:]  # newest 250
    assert len(everything["files"]) <= 300
    branch = next(d for d in org.deployments(repo) if d.kind == "branch")
    diverged = client.get(f"{url}/main...{branch.sha}").json()
    assert diverged["status"] == "diverged" and diverged["ahead_by"] > 0 and diverged["behind_by"] > 0
    short = client.get(f"{url}/{history[-3].sha[:7]}...{history[-1].sha[:10]}").json()
    assert short["ahead_by"] == 2
    assert client.get(f"{url}/{'0' * 40}...main").status_code == 404
    assert client.get(f"{url}/main").status_code == 404


def test_single_commits_carry_files_and_stats(client: httpx.Client, org: SyntheticOrg) -> None:
    pr = next(p for p in org.all_pulls() if p.merged and p.changed_files > 3)
    body = client.get(f"/repos/{org.login}/{pr.repo}/commits/{pr.merge_commit_sha}").json()
    assert body["stats"] == {
        "additions": pr.additions,
        "deletions": pr.deletions,
        "total": pr.additions + pr.deletions,
    }
    assert [f["filename"] for f in body["files"]] == [f.filename for f in org.files(pr)]
    assert body["commit"]["message"].startswith(f"{pr.title} (#{pr.number})")
    assert body["committer"]["login"] == "web-flow"
    head = client.get(f"/repos/{org.login}/{pr.repo}/commits/{pr.head_sha}").json()
    assert head["sha"] == pr.head_sha


def test_request_log_files_new_routes_under_their_templates(
    client: httpx.Client, server: SandboxServer
) -> None:
    org = server.org
    pr = next(p for p in org.all_pulls() if p.merged)
    log = server.request_log
    repo = f"/repos/{org.login}/{pr.repo}"
    templates = {
        f"{repo}/pulls/{pr.number}/files": "/repos/{owner}/{repo}/pulls/{pull_number}/files",
        f"{repo}/commits/{pr.head_sha}/check-runs": "/repos/{owner}/{repo}/commits/{ref}/check-runs",
        f"{repo}/issues/{pr.number}/comments": "/repos/{owner}/{repo}/issues/{issue_number}/comments",
        f"{repo}/pulls/comments": "/repos/{owner}/{repo}/pulls/comments",
        f"{repo}/deployments": "/repos/{owner}/{repo}/deployments",
        f"{repo}/compare/main...main": "/repos/{owner}/{repo}/compare/{basehead}",
    }
    before = {template: log.by_template[template] for template in templates.values()}
    for url in templates:
        assert client.get(url).status_code == 200
    assert all(log.by_template[t] == before[t] + 1 for t in templates.values())


def test_new_endpoints_answer_304_to_a_matching_etag(client: httpx.Client, server: SandboxServer) -> None:
    org = server.org
    pr = next(p for p in org.all_pulls() if p.merged)
    for url in (
        f"/repos/{org.login}/{pr.repo}/pulls/{pr.number}/files",
        f"/repos/{org.login}/{pr.repo}/commits/{pr.head_sha}/check-runs",
        f"/repos/{org.login}/{pr.repo}/deployments",
    ):
        first = client.get(url)
        again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert (
            again.status_code == 304
            and again.headers["x-ratelimit-used"] == first.headers["x-ratelimit-used"]
        )


def test_more_emulators_mount_beside_the_rest_root(org: SyntheticOrg) -> None:
    async def hello(scope: Any, receive: Any, send: Any) -> None:
        body = scope["path"].encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})

    server = SandboxServer(org=org)
    server.mount("/github/extra", hello)  # a longer prefix than /github wins
    server.mount("jira", hello)
    with server:
        assert httpx.get(f"{server.github_api_url}/extra/x").text == "/x"
        assert httpx.get(f"{server.url}/jira/rest/api/3/myself").text == "/rest/api/3/myself"
        assert httpx.get(f"{server.github_api_url}/rate_limit", headers=AUTH).status_code == 200


def test_no_activity_after_now() -> None:
    today = generate_org(days=10)
    as_of = today.as_of
    for pr in today.all_pulls():
        assert all(c.updated_at <= as_of for c in (*today.issue_comments(pr), *today.review_comments(pr)))
        assert all(e.created_at <= as_of for e in today.issue_events(pr))
        for run in today.check_runs_for(pr, pr.commit_count - 1):
            assert run.started_at <= as_of and (run.completed_at is None or run.completed_at <= as_of)
    for repo in today.repositories:
        assert all(s.created_at <= as_of for d in today.deployments(repo.name) for s in d.statuses)
        assert all(c.committed_at <= as_of for c in today.default_branch_commits(repo.name))
