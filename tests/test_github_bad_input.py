"""Bad input from GitHub through the sandbox's fault switches, in both fetch modes: pull requests that vanish
between listing and detail, and bad Unicode on the wire. Each is kept in raw, counted as a problem (ops,
metadata, the ``no_ingest_problems`` check), and everything else loads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.github import graphql_fetch
from dexxy_assets.github.pull_request_load import load_pull_requests
from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from dexxy_sandbox.faults import FaultConfig, FaultInjector
from dexxy_sandbox.github_rest.bad_unicode import chosen_pull_requests
from resources.github_client import GitHubClient
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox
from tests.test_github_assets import _sandbox_pulls_updated_between

START = SANDBOX_UNTIL - dt.timedelta(days=6)


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def faults(sandbox):  # type: ignore[no-untyped-def]
    """Set the sandbox's faults for one test; switched off afterwards."""

    def switch(config: FaultConfig) -> None:
        sandbox.faults = config

    yield switch
    sandbox.faults = FaultConfig()


def _run(sandbox, warehouse: WarehouseResource, mode: str) -> dg.ExecuteInProcessResult:  # type: ignore[no-untyped-def]
    """The pull request assets over the test window."""
    github = github_resource(sandbox, fetch_mode=mode)
    return materialize_range(warehouse, github, START, SANDBOX_UNTIL, selection=PULL_REQUEST_ASSETS)


@pytest.fixture(params=["rest", "graphql"])
def run_with(request, sandbox, faults, warehouse: WarehouseResource):  # type: ignore[no-untyped-def]
    """In each fetch mode: switch the sandbox's faults on, then run the pull request assets."""

    def run(config: FaultConfig) -> dg.ExecuteInProcessResult:
        faults(config)
        return _run(sandbox, warehouse, request.param)

    return run


def _vanished(server, config: FaultConfig, prs: set[tuple[str, int]]) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    injector = FaultInjector(config, server.seed)
    return {(repo, number) for repo, number in prs if injector.vanished(repo.split("/")[1], number)}


def _problems(warehouse: WarehouseResource, asset_key: str) -> dict[str, int]:
    with warehouse.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT problem, sum(occurrences)::int FROM ops.ingest_problems WHERE asset_key = :k "
                "GROUP BY problem"
            ),
            {"k": asset_key},
        )
        return {row[0]: row[1] for row in rows}


def _staged(warehouse: WarehouseResource) -> set[tuple[str, int]]:
    with warehouse.connect() as conn:
        rows = conn.execute(text("SELECT repo_full_name, pr_number FROM staging.github_pull_requests"))
        return {(row[0], row[1]) for row in rows}


def _metadata(result: dg.ExecuteInProcessResult, key: str) -> dict:
    """The run-wide metadata: written once, on the newest day's materialization."""
    for event in result.asset_materializations_for_node("github_pull_requests"):
        if event.asset_key.to_user_string() == key and "rows_in_run" in event.metadata:
            return {k: v.value for k, v in event.metadata.items()}
    raise AssertionError(f"no materialization of {key}")


def _check_passed(result: dg.ExecuteInProcessResult, key: str) -> bool:
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.asset_key.to_user_string() == key and evaluation.check_name == "no_ingest_problems":
            return evaluation.passed
    raise AssertionError(f"no no_ingest_problems evaluation for {key}")


# ----- a pull request that vanishes between listing and detail -----
def test_a_vanished_pull_request_is_a_problem_of_its_own_and_the_rest_loads(
    sandbox,
    warehouse: WarehouseResource,
    run_with,  # type: ignore[no-untyped-def]
) -> None:
    listed = _sandbox_pulls_updated_between(sandbox, START, SANDBOX_UNTIL)
    gone = _vanished(sandbox, FaultConfig(vanish_rate=0.2), listed)
    assert gone and len(gone) < len(listed), "the fault makes some, not all, pull requests vanish"

    result = run_with(FaultConfig(vanish_rate=0.2))

    assert result.success
    assert _staged(warehouse) == listed - gone
    assert _problems(warehouse, "github/pull_requests")["pull_request.vanished"] == len(gone)
    assert _metadata(result, "github/pull_requests")["problems_in_run"] >= len(gone)
    assert not _check_passed(result, "github/pull_requests")
    with warehouse.connect() as conn:
        kept = conn.execute(
            text("SELECT count(*) FROM raw.github_pull_requests WHERE pr_id IS NULL OR pr_id <> ALL(:ids)"),
            {"ids": [row[0] for row in conn.execute(text("SELECT pr_id FROM staging.github_pull_requests"))]},
        ).scalar_one()
    assert kept == len(gone), "each vanished pull request is kept in raw as far as it was fetched"


def test_a_pull_request_that_vanishes_before_its_rest_reread_keeps_its_graphql_node(
    sandbox,  # type: ignore[no-untyped-def]
    faults,  # type: ignore[no-untyped-def]
    warehouse: WarehouseResource,
) -> None:
    """GraphQL mode re-reads an overflowing connection over REST; a 404 there is that pull request's
    problem."""
    pulls = sandbox.org.pulls_by_repo.items()
    repo, pr = next((repo, pr) for repo, prs in pulls for pr in prs if pr.commit_count > 100)
    full_name = f"{sandbox.org.login}/{repo}"
    start = pr.updated_at.replace(microsecond=0) - dt.timedelta(seconds=1)
    end = pr.updated_at + dt.timedelta(seconds=1)
    with GitHubClient(sandbox.github_api_url, SANDBOX_TOKEN) as client:
        graphql = graphql_fetch.GitHubGraphQL(client)
        total = next(graphql_fetch.windows_within_cap(graphql, f"repo:{full_name}", start, end))[2]
        node = next(
            n
            for n in graphql_fetch.search_nodes(graphql, f"repo:{full_name}", start, end, total)
            if n["number"] == pr.number
        )
        faults(FaultConfig(vanish_rate=1.0))  # gone between the search and the REST re-read
        fetched = graphql_fetch.complete(client, graphql, full_name, node, pr.updated_at)
    assert fetched.vanished == f"repos/{full_name}/pulls/{pr.number}/commits"
    assert fetched.detail is node  # the GraphQL node as it came
    with warehouse.begin() as conn:
        load = load_pull_requests(conn, [fetched], [pr.updated_at.date()], dt.datetime.now(dt.UTC))
    assert load.problems["pull_requests"].by_problem() == {"pull_request.vanished": 1}
    assert load.counts["pull_requests"].raw_rows == 1
    assert load.counts["pull_requests"].staged_rows == 0


# ----- bad Unicode on the wire -----
def test_bad_unicode_is_repaired_in_the_record_counted_and_the_rest_loads(
    sandbox,
    warehouse: WarehouseResource,
    run_with,  # type: ignore[no-untyped-def]
) -> None:
    listed = _sandbox_pulls_updated_between(sandbox, START, SANDBOX_UNTIL)
    broken = [
        pr
        for pr in chosen_pull_requests(sandbox.org, sandbox.seed, 0.3)
        if (f"{sandbox.org.login}/{pr.repo}", pr.number) in listed
    ]
    assert broken and len(broken) < len(listed), "the fault breaks some, not all, pull requests"

    result = run_with(FaultConfig(bad_unicode_rate=0.3))

    assert result.success
    assert _staged(warehouse) == listed
    with warehouse.connect() as conn:
        for pr in broken:
            key = {"repo": f"{sandbox.org.login}/{pr.repo}", "n": pr.number}
            title, body = conn.execute(
                text(
                    "SELECT title, body FROM staging.github_pull_requests "
                    "WHERE repo_full_name = :repo AND pr_number = :n"
                ),
                key,
            ).one()
            assert title == pr.title + "\ufffd"  # the lone surrogate
            assert body == pr.body + "\ufffd" * 3  # the NUL and the two bytes that are not UTF-8
            raw_title, has_key = conn.execute(
                text(
                    "SELECT payload->>'title', payload ? :k FROM raw.github_pull_requests "
                    "WHERE repo_full_name = :repo AND pr_number = :n"
                ),
                {**key, "k": "sandbox\ufffdnote"},
            ).one()
            assert (raw_title, has_key) == (pr.title + "\ufffd", True)  # kept in raw, repaired as little
    repairs = {
        f"pull_request.text_repaired_{kind}": len(broken)
        for kind in ("lone_surrogate", "nul", "invalid_utf8", "nul_in_key")
    }
    assert _problems(warehouse, "github/pull_requests") == repairs
    assert _metadata(result, "github/pull_requests")["problems_in_run"] == 4 * len(broken)
    assert not _check_passed(result, "github/pull_requests")
    assert _check_passed(result, "github/reviews")


def test_copy_stores_text_postgres_rejects_for_every_loader(warehouse: WarehouseResource) -> None:
    """The last line of defence under loaders that do not repair first: NUL in a jsonb key and value, a lone
    surrogate in jsonb and in text become U+FFFD instead of failing the COPY."""
    from resources.bulk_load import Jsonb, copy_rows

    with warehouse.begin() as conn:
        conn.execute(text("CREATE TABLE bad_text (note text, payload jsonb)"))
        copy_rows(
            conn,
            "bad_text",
            ["note", "payload"],
            [{"note": "a\ud800b\x00", "payload": Jsonb({"k\x00": ["x\udcff", "\x00"]})}],
        )
        row = conn.execute(text("SELECT note, payload FROM bad_text")).one()
    assert row == ("a\ufffdb\ufffd", {"k\ufffd": ["x\ufffd", "\ufffd"]})


def test_a_rerun_meets_and_counts_the_same_bad_unicode(
    sandbox,  # type: ignore[no-untyped-def]
    faults,  # type: ignore[no-untyped-def]
    warehouse: WarehouseResource,
) -> None:
    """A repaired answer is not kept in the ETag cache, so a re-run (304s for everything else) counts the same
    problems and leaves the same warehouse."""
    faults(FaultConfig(bad_unicode_rate=0.3))
    states = []
    for _ in range(2):
        assert _run(sandbox, warehouse, "rest").success
        states.append((_problems(warehouse, "github/pull_requests"), _staged_text(warehouse)))
    assert states[0][0]  # there were repairs to count
    assert states[1] == states[0]


def _staged_text(warehouse: WarehouseResource) -> list[tuple]:
    with warehouse.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text("SELECT pr_id, title, body, updated_at FROM staging.github_pull_requests ORDER BY pr_id")
            )
        ]
