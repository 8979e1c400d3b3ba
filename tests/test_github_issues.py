"""GitHub issues and discussions through the real HTTP paths into a real warehouse: both fetch modes stage the
same rows, pull requests listed by the issues API are skipped, a transferred issue is one row in its new
repository, a deleted discussion stays as last seen and is flagged, ghost authors are kept and counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.definitions import defs
from dexxy_sandbox.org import generate_org
from dexxy_sandbox.org.issue_generator import issue_book
from dexxy_sandbox.server import SandboxServer
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL

START = SANDBOX_UNTIL - dt.timedelta(days=39)
SELECTION = (
    "key:github/repositories or key:github/issues or key:github/issue_comments or "
    "key:github/issues_staged or key:github/discussions or key:github/discussion_comments or "
    "key:github/discussions_staged"
)
MOVED_ISSUE = (
    "SELECT repo_full_name, issue_number, transferred_at FROM staging.github_issues WHERE issue_node_id = :id"
)
GONE_DISCUSSION = (
    "SELECT title, is_deleted, deleted_seen_at FROM staging.github_discussions WHERE discussion_node_id = :id"
)
STAGED = {
    "staging.github_issues": "issue_node_id",
    "staging.github_issue_comments": "comment_id",
    "staging.github_discussions": "discussion_node_id",
    "staging.github_discussion_comments": "comment_node_id",
}


def _sandbox(as_of: dt.datetime | None = None) -> SandboxServer:
    org = generate_org(seed=11, engineers=6, repos=2, days=40, until=SANDBOX_UNTIL, as_of=as_of)
    server = SandboxServer(org=org, tokens=(SANDBOX_TOKEN,), rate_limit_per_hour=100_000)
    server.start()
    return server


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    server = _sandbox()
    try:
        yield server
    finally:
        server.stop()


def _staged(warehouse: WarehouseResource, table: str, key: str) -> list[dict]:
    with warehouse.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}")).mappings().all()  # noqa: S608
    return [{k: v for k, v in row.items() if k != "fetched_at"} for row in rows]


def _run(
    warehouse: WarehouseResource,
    server: SandboxServer,
    mode: str,
    end: dt.date = SANDBOX_UNTIL,
    selection: str = SELECTION,
) -> None:
    github = github_resource(server, fetch_mode=mode)
    assert materialize_range(warehouse, github, START, end, selection=selection).success, mode


def test_both_fetch_modes_stage_the_same_issues_and_discussions(sandbox, make_database) -> None:  # type: ignore[no-untyped-def]
    staged = {}
    for mode in ("rest", "graphql"):
        warehouse = WarehouseResource(database_url=make_database())
        _run(warehouse, sandbox, mode)
        staged[mode] = {table: _staged(warehouse, table, key) for table, key in STAGED.items()}
    for table in STAGED:
        assert staged["graphql"][table] == staged["rest"][table], table
    book = issue_book(sandbox.org)
    issues = staged["rest"]["staging.github_issues"]
    # every issue of the org and no pull request (the REST listing holds both)
    assert sorted((i["repo_full_name"].split("/")[1], i["issue_number"]) for i in issues) == sorted(
        (i.repo, i.number) for i in book.all_issues()
    )
    truth = {i.node_id: i for i in book.all_issues()}
    for row in issues:
        issue = truth[row["issue_node_id"]]
        assert row["labels"] == sorted(issue.labels)
        assert row["state"] == issue.state and row["state_reason"] == issue.state_reason
        assert row["reopened_count"] == sum(e.event == "reopened" for e in issue.events)
        closers = [e.commit_id for e in issue.events if e.event == "closed"]
        assert row["closing_commit_sha"] == (closers[-1] if closers and issue.closed_at else None)
    assert any(row["closing_commit_sha"] for row in issues), "some issue was closed by a pull request's merge"
    comments = staged["rest"]["staging.github_issue_comments"]
    assert len(comments) == sum(len(i.comments) for i in book.all_issues())
    discussions = staged["rest"]["staging.github_discussions"]
    assert {d["discussion_node_id"] for d in discussions} == {d.node_id for d in book.all_discussions()}


def test_a_transferred_issue_is_one_row_in_its_new_repository(sandbox, warehouse) -> None:  # type: ignore[no-untyped-def]
    import httpx

    book = issue_book(sandbox.org)
    (old_repo, old_number), (new_repo, new_number) = next(iter(book.moved.items()))
    moved = book.issue(new_repo, new_number)
    assert moved is not None
    login = sandbox.org.login
    with httpx.Client(
        base_url=sandbox.github_api_url, headers={"Authorization": f"token {SANDBOX_TOKEN}"}
    ) as http:
        answer = http.get(f"/repos/{login}/{old_repo}/issues/{old_number}")
        assert answer.status_code == 301
        target = sandbox.org.repository(new_repo)
        assert target is not None
        assert answer.headers["location"].endswith(f"/repositories/{target.id}/issues/{new_number}")
        assert http.get(answer.headers["location"]).json()["node_id"] == moved.node_id
    _run(warehouse, sandbox, "rest")
    with warehouse.connect() as conn:
        rows = conn.execute(
            text(MOVED_ISSUE),
            {"id": moved.node_id},
        ).all()
    assert [(r.repo_full_name, r.issue_number) for r in rows] == [(f"{login}/{new_repo}", new_number)]
    assert rows[0].transferred_at is not None


def test_a_deleted_discussion_stays_as_last_seen_and_is_flagged(make_database) -> None:  # type: ignore[no-untyped-def]
    later = _sandbox()
    try:
        gone = issue_book(later.org).deleted_discussions[0]
    finally:
        later.stop()
    assert gone.deleted_at is not None
    warehouse = WarehouseResource(database_url=make_database())
    before = _sandbox(as_of=gone.deleted_at - dt.timedelta(hours=1))
    try:
        assert issue_book(before.org).discussion(gone.repo, gone.number) is not None
        _run(warehouse, before, "graphql", end=gone.deleted_at.date())
    finally:
        before.stop()
    after = _sandbox()
    try:
        _run(warehouse, after, "graphql")
    finally:
        after.stop()
    with warehouse.connect() as conn:
        row = conn.execute(
            text(GONE_DISCUSSION),
            {"id": gone.node_id},
        ).one()
        problems = conn.execute(
            text("SELECT sum(occurrences) FROM ops.ingest_problems WHERE problem = 'discussion.deleted'")
        ).scalar_one()
    assert row.title == gone.title and row.is_deleted and row.deleted_seen_at is not None
    assert problems >= 1


def test_unknown_values_and_deleted_accounts_are_kept_and_counted() -> None:
    from dexxy_assets.github.discussion_staging import discussion_row
    from dexxy_assets.github.issue_staging import issue_row
    from dexxy_assets.problems import ProblemLog

    problems, day, now = ProblemLog(), dt.date(2026, 6, 1), dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
    rest = {
        "node_id": "I_1",
        "id": 1,
        "number": 7,
        "state": "closed",
        "state_reason": "archived",  # a reason GitHub may add one day
        "user": None,  # a deleted account over REST
        "labels": ["plain-string-label", {"name": "bug"}],
        "created_at": "2026-06-01T10:00:00Z",
        "updated_at": "2026-06-01T11:00:00Z",
    }
    row = issue_row("rest", rest, None, "o/r", day, now, problems)
    assert row is not None and row["state_reason"] == "archived" and row["author_login"] is None
    assert row["labels"] == ["bug"] and row["reopened_count"] == 0
    graphql = {
        "id": "D_1",
        "number": 3,
        "stateReason": "MERGED_AWAY",
        "author": {"__typename": "User", "login": "ghost"},  # GraphQL's stand-in for a deleted account
        "createdAt": "2026-06-01T10:00:00Z",
        "updatedAt": "2026-06-01T11:00:00Z",
    }
    discussion = discussion_row(graphql, "o/r", day, now, problems)
    assert discussion is not None and discussion["state_reason"] == "merged_away"
    assert discussion["author_login"] is None
    assert issue_row("graphql", {"id": "I_2"}, None, "o/r", day, now, problems) is None  # no times: counted
    assert problems.by_problem() == {
        "discussion.author_deleted": 1,
        "discussion.state_reason_unknown_value": 1,
        "issue.author_deleted": 1,
        "issue.createdAt_missing": 1,
        "issue.number_missing": 1,
        "issue.state_reason_unknown_value": 1,
        "issue.unkeyed": 1,
        "issue.updatedAt_missing": 1,
    }


def test_issues_and_discussions_restage_from_raw_with_zero_github_calls(sandbox, warehouse) -> None:  # type: ignore[no-untyped-def]
    _run(warehouse, sandbox, "graphql")
    before = {table: _staged(warehouse, table, key) for table, key in STAGED.items()}
    assert before["staging.github_issues"] and before["staging.github_discussions"]
    with warehouse.begin() as conn:  # staging lost: only raw can bring it back
        conn.execute(text("TRUNCATE " + ", ".join(STAGED)))
    requests_before = sandbox.request_log.total
    _run(warehouse, sandbox, "graphql", selection="key:github/issues_staged or key:github/discussions_staged")
    assert sandbox.request_log.total == requests_before, "re-staging reads raw, never GitHub"
    assert {table: _staged(warehouse, table, key) for table, key in STAGED.items()} == before
    assets = {key: a for a in defs().assets if isinstance(a, dg.AssetsDefinition) for key in a.keys}
    for name in ("issues_staged", "discussions_staged"):  # versioned: a parser change marks them stale
        key = dg.AssetKey(["github", name])
        assert assets[key].code_versions_by_key[key]


TIMELINE = "/repos/{owner}/{repo}/issues/{issue_number}/timeline"


def test_rest_reads_no_timeline_for_an_issue_untouched_since_it_was_opened(sandbox, warehouse) -> None:  # type: ignore[no-untyped-def]
    book = issue_book(sandbox.org)
    touched = [i for i in book.all_issues() if i.updated_at != i.created_at]
    untouched = [i for i in book.all_issues() if i.updated_at == i.created_at]
    assert untouched and all(i.state == "open" and not i.events for i in untouched)
    before = sandbox.request_log.by_template[TIMELINE]
    _run(warehouse, sandbox, "rest")
    # one timeline per issue that may hold a state change (the window holds each issue once); the staging of
    # the others is the same as GraphQL's (test_both_fetch_modes_stage_the_same_issues_and_discussions)
    assert sandbox.request_log.by_template[TIMELINE] - before == len(touched) < len(book.all_issues())
    with warehouse.connect() as conn:
        skipped = conn.execute(
            text("SELECT timeline FROM raw.github_issues WHERE issue_node_id = ANY(:ids)"),
            {"ids": [i.node_id for i in untouched]},
        ).scalars()
        assert list(skipped) == [[] for _ in untouched]  # known empty, unlike an unreadable one (null)
