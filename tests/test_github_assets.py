"""The GitHub assets end to end: sandbox over HTTP → raw → staging → analytics in a real PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.github import rest_fetch
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.github.pull_request_load import load_pull_requests
from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSET_NAMES, PULL_REQUEST_ASSETS
from resources.github_client import GitHubClient
from resources.warehouse import WarehouseResource
from tests.github_runs import github_resource, materialize_range, table_rows
from tests.sandbox_fixtures import SANDBOX_TOKEN, SANDBOX_UNTIL, running_sandbox

ANALYTICS_TABLES = {
    "analytics.pull_requests": "pr_id",
    "analytics.pr_reviews": "review_id",
    "analytics.commits": "pr_id,sha",
    "analytics.team_members": "member_id",
}
START = SANDBOX_UNTIL - dt.timedelta(days=13)
PULL_REQUEST_ASSETS_AND_DOWNSTREAM = " or ".join(f"key:github/{name}+" for name in PULL_REQUEST_ASSET_NAMES)


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _sandbox_pulls_updated_between(server, start: dt.date, end: dt.date) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return {
        (f"{server.org.login}/{repo}", pr.number)
        for repo, pulls in server.org.pulls_by_repo.items()
        for pr in pulls
        if start <= pr.updated_at.date() <= end
    }


def _materialization(result: dg.ExecuteInProcessResult, key: str) -> dict:
    """The newest day's materialization: the one carrying the run-wide detail."""
    node = "github__pull_requests_staged" if key == "github/pull_requests_staged" else "github_pull_requests"
    events = result.asset_materializations_for_node(node) if "/" in key else []
    for event in reversed(events):
        if event.asset_key.to_user_string() == key:
            return {k: v.value for k, v in event.metadata.items()}
    raise AssertionError(f"no materialization of {key}")


def test_a_range_run_loads_exactly_what_the_sandbox_holds(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    result = materialize_range(warehouse, github_resource(sandbox), START, SANDBOX_UNTIL)
    assert result.success
    expected = _sandbox_pulls_updated_between(sandbox, START, SANDBOX_UNTIL)
    loaded = {(row[1], row[2]) for row in table_rows(warehouse, "analytics.pull_requests", "pr_id")}
    assert loaded == expected and expected
    with warehouse.connect() as conn:
        reviews = conn.execute(text("SELECT count(*) FROM analytics.pr_reviews")).scalar_one()
        members = conn.execute(text("SELECT count(*) FROM analytics.team_members")).scalar_one()
        negative = conn.execute(
            text("SELECT count(*) FROM analytics.pull_requests WHERE cycle_time_hours < 0")
        ).scalar_one()
    expected_reviews = sum(
        len(pr.reviews)
        for repo, pulls in sandbox.org.pulls_by_repo.items()
        for pr in pulls
        if (f"{sandbox.org.login}/{repo}", pr.number) in expected
    )
    assert reviews == expected_reviews
    assert members >= len(sandbox.org.engineers) - sum(e.deleted for e in sandbox.org.engineers)
    assert negative == 0
    metadata = _materialization(result, "github/pull_requests")
    assert metadata["rows_in_run"] == len(expected)
    assert metadata["api_requests"] >= 8 * len(expected)  # REST mode: 8 requests per pull request
    assert metadata["partitions"] == 14


def test_rerunning_a_range_leaves_an_identical_warehouse(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    github = github_resource(sandbox)
    assert materialize_range(warehouse, github, START, SANDBOX_UNTIL).success
    first = {table: table_rows(warehouse, table, order) for table, order in ANALYTICS_TABLES.items()}
    with warehouse.connect() as conn:
        raw_first = conn.execute(text("SELECT count(*) FROM raw.github_pull_requests")).scalar_one()
    rerun = materialize_range(warehouse, github, START, SANDBOX_UNTIL)
    assert rerun.success
    assert {table: table_rows(warehouse, table, order) for table, order in ANALYTICS_TABLES.items()} == first
    with warehouse.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM raw.github_pull_requests")).scalar_one() == raw_first
    # the second run revalidated with ETags: PR details came back 304 and cost no rate limit
    assert _materialization(rerun, "github/pull_requests")["api_requests_not_modified"] > 0


def test_one_partition_alone_replaces_only_that_day(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    github = github_resource(sandbox)
    assert materialize_range(warehouse, github, START, SANDBOX_UNTIL).success
    day = SANDBOX_UNTIL - dt.timedelta(days=3)
    before = table_rows(warehouse, "analytics.pull_requests", "pr_id")
    rerun = materialize_range(warehouse, github, day, day, selection=PULL_REQUEST_ASSETS_AND_DOWNSTREAM)
    assert rerun.success
    assert table_rows(warehouse, "analytics.pull_requests", "pr_id") == before
    with warehouse.connect() as conn:
        days = conn.execute(
            text("SELECT count(DISTINCT partition_date) FROM raw.github_pull_requests")
        ).scalar_one()
    assert days == len({d for _, d in _days_with_updates(sandbox)})


def _days_with_updates(server) -> set[tuple[str, dt.date]]:  # type: ignore[no-untyped-def]
    return {
        (repo, pr.updated_at.date())
        for repo, pulls in server.org.pulls_by_repo.items()
        for pr in pulls
        if START <= pr.updated_at.date() <= SANDBOX_UNTIL
    }


def _fetch_some(server, count: int) -> list[FetchedPullRequest]:  # type: ignore[no-untyped-def]
    with GitHubClient(server.github_api_url, SANDBOX_TOKEN) as client:
        repo = f"{server.org.login}/{server.org.repositories[0].name}"
        start = dt.datetime.combine(START, dt.time(), dt.UTC)
        end = dt.datetime.combine(SANDBOX_UNTIL + dt.timedelta(days=1), dt.time(), dt.UTC)
        listings = rest_fetch.list_updated_pull_requests(client, repo, start, end)
        with_commits = [item for item in listings if item.item.get("state") == "closed"][:count]
        return rest_fetch.fetch_pull_request_details(client, with_commits, 2)


def _version(
    pr: rest_fetch.FetchedPullRequest, when: dt.datetime, title: str, commits: list
) -> rest_fetch.FetchedPullRequest:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return dataclasses.replace(
        pr, updated_at=when, detail={**pr.detail, "title": title, "updated_at": stamp}, commits=commits
    )


def test_out_of_order_partitions_keep_the_newest_version(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    pr = _fetch_some(sandbox, 1)[0]
    day = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)
    next_day = day + dt.timedelta(days=1)
    extra = {**pr.commits[0], "sha": "f" * 40}  # a commit later force-pushed away
    newer = _version(pr, next_day, "newer title", pr.commits)
    older = _version(pr, day, "older title", [*pr.commits, extra])
    fetched_at = dt.datetime.now(dt.UTC)
    with warehouse.begin() as conn:  # D+1 first …
        load_pull_requests(conn, [newer], [next_day.date()], fetched_at)
    with warehouse.begin() as conn:  # … then D, fetched later
        load_pull_requests(conn, [older], [day.date()], fetched_at + dt.timedelta(minutes=5))
    with warehouse.connect() as conn:
        title, updated = conn.execute(
            text("SELECT title, updated_at FROM staging.github_pull_requests WHERE pr_id = :id"),
            {"id": pr.detail["id"]},
        ).one()
        shas = set(
            conn.execute(
                text("SELECT sha FROM staging.github_pr_commits WHERE pr_id = :id"), {"id": pr.detail["id"]}
            ).scalars()
        )
        raw_days = conn.execute(text("SELECT count(*) FROM raw.github_pull_requests")).scalar_one()
    assert (title, updated) == ("newer title", next_day)
    assert shas == {c["sha"] for c in pr.commits}  # the stale commit of the older version is not current
    assert raw_days == 2  # raw keeps both versions, one per partition


def test_bad_input_is_kept_counted_and_never_crashes(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    good, odd, broken = _fetch_some(sandbox, 3)
    odd = dataclasses.replace(
        odd,
        detail={
            **odd.detail,
            "user": None,
            "body": None,
            "state": "superseded",
            "brand_new_field": {"x": 1},
            "additions": "many",
            "created_at": "not a date",
        },
        reviews=[{**odd.reviews[0], "user": None, "state": "ESCALATED"}]
        if odd.reviews
        else [{"id": 1, "user": None}],
        commits=[{"no": "sha"}, *odd.commits],
    )
    broken = dataclasses.replace(broken, detail={"message": "half a payload"})
    days = sorted({p.partition_date for p in (good, odd, broken)})
    with warehouse.begin() as conn:
        load = load_pull_requests(conn, [good, odd, broken], days, dt.datetime.now(dt.UTC))
    assert load.counts["pull_requests"].raw_rows == 3  # everything is kept in raw
    assert load.counts["pull_requests"].staged_rows == 2  # the unkeyable one is not staged …
    counted = load.problems["pull_requests"].by_problem()
    assert counted["pull_request.unkeyed"] == 1  # … but counted
    for problem in (
        "user_missing",
        "state_unknown_value",
        "additions_not_integer",
        "created_at_invalid",
    ):
        assert counted[f"pull_request.{problem}"] >= 1, problem
    assert load.problems["reviews"].by_problem().get("review.user_missing", 0) >= 1
    assert load.problems["commits"].by_problem()["commit.unkeyed"] == 1
    assert load.problems["files"].by_problem().get("files.parent_unkeyed", 0) == len(broken.files)
    with warehouse.connect() as conn:
        state = conn.execute(
            text("SELECT state FROM staging.github_pull_requests WHERE pr_id = :id"), {"id": odd.detail["id"]}
        ).scalar_one()
    assert state == "superseded"  # unknown enum values are kept as they came


def test_sandbox_ghost_users_are_reported_in_metadata(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    """A deleted reviewer arrives as `user: null`: the review loads and the problem is counted."""
    github = github_resource(sandbox)
    result = materialize_range(warehouse, github, START, SANDBOX_UNTIL, selection=PULL_REQUEST_ASSETS)
    assert result.success
    ghost_reviews = sum(
        1
        for repo, pulls in sandbox.org.pulls_by_repo.items()
        for pr in pulls
        if START <= pr.updated_at.date() <= SANDBOX_UNTIL
        for review in pr.reviews
        if (account := sandbox.org.account(review.reviewer)) is not None and account.deleted
    )
    metadata = _materialization(result, "github/pull_requests_staged")
    assert metadata["problems_by_kind_in_run"].get("review.user_missing", 0) == ghost_reviews
    with warehouse.connect() as conn:
        loaded = conn.execute(
            text("SELECT count(*) FROM staging.github_pr_reviews WHERE reviewer_login IS NULL")
        ).scalar_one()
    assert loaded == ghost_reviews


def test_a_wrong_token_fails_the_run_with_a_one_line_cause(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    result = materialize_range(
        warehouse,
        github_resource(sandbox, token="not-a-token"),
        START,
        START,
        selection="key:github/repositories",
    )
    assert not result.success
    from sensors.failure_classification import classify_failure, root_cause_message

    failure = next(e for e in result.all_events if e.is_step_failure)
    message = root_cause_message(failure.step_failure_data.error)
    assert message.startswith("GitHubAuthError: GitHub rejected the token (401")
    assert classify_failure(message).category == "token expired or invalid"


def test_a_pull_request_with_more_than_250_commits(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    """GitHub lists only the first 250 commits: the count comes from the pull request, the first commit from
    the list (the oldest), and the metrics stay whole."""
    big = [
        (repo, pr)
        for repo, pulls in sandbox.org.pulls_by_repo.items()
        for pr in pulls
        if pr.commit_count > 250
    ]
    if not big:
        pytest.skip("the sandbox org has no pull request with more than 250 commits")
    repo, pr = big[0]
    day = pr.updated_at.date()
    assert materialize_range(warehouse, github_resource(sandbox), day, day).success
    with warehouse.connect() as conn:
        row = conn.execute(
            text(
                "SELECT pr_id, commits_count, first_commit_at FROM analytics.pull_requests "
                "WHERE repository = :repo AND pr_number = :n"
            ),
            {"repo": f"{sandbox.org.login}/{repo}", "n": pr.number},
        ).one()
        listed, earliest = conn.execute(
            text("SELECT count(*), min(authored_at) FROM analytics.commits WHERE pr_id = :id"),
            {"id": row.pr_id},
        ).one()
    assert row.commits_count == pr.commit_count > 250
    assert listed == 250
    assert row.first_commit_at == earliest == sandbox.org.commits(pr)[0].authored_at


def test_a_member_listed_twice_is_one_membership(warehouse: WarehouseResource) -> None:
    """Pages that shift while a listing is read can repeat a member; the snapshot still lands."""
    from dexxy_assets.github.snapshot_assets import _record_memberships
    from resources.bulk_load import Jsonb, replace_partitions

    at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    rows = [
        {"org": "acme", "user_id": 7, "login": login, "fetched_at": at, "payload": Jsonb({"login": login})}
        for login in ("old-name", "new-name")
    ]
    with warehouse.begin() as conn:
        replace_partitions(
            conn,
            "raw.github_members",
            "org",
            ["acme"],
            ["org", "user_id", "login", "fetched_at", "payload"],
            rows,
        )
        _record_memberships(conn, ["acme"], at)
        members = conn.execute(text("SELECT user_id, login FROM staging.github_org_members")).all()
    assert [tuple(m) for m in members] == [(7, "new-name")]
