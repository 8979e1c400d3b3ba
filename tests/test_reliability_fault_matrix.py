"""A 30-day run of every GitHub, Copilot and Jira asset (raw, staging, processing, analytics marts) under
about 10 % injected faults ends with exactly the warehouse of a fault-free run, in both fetch modes.

Compared: a digest of every table of raw / staging / processing / analytics, without the columns a run's
wall clock writes (``reliability_runs.VOLATILE_COLUMNS``: fetched_at, detected_at, generated_at,
summarized_at, loaded_at) and the Jira hours computed from fetched_at (``DERIVED_FROM_FETCH``: an open
status period runs to the issue's last fetch). Nothing else is left out: payloads, partition_row, every
other derived column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from dexxy_sandbox.faults import FaultConfig
from tests.reliability_runs import (
    differing_tables,
    materialize_everything,
    sandbox_github,
    sandbox_jira,
    step_failures,
    warehouse_digests,
)
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

START = SANDBOX_UNTIL - dt.timedelta(days=29)

# The one place the fault mix is built: every kind the sandbox can inject per request, about 10 % in all
# (about 8.6 % of requests draw a per-request fault, storms take 1.5 % more, GraphQL answers 2 % partial
# errors on top, and retries meet faults again). Secondary limits are rarer: each honours a Retry-After.
FAULT_MIX = FaultConfig.parse(
    ",".join(
        (
            "drop_rate=0.01",  # connection closed without an answer
            "drop_mid_body_rate=0.01",  # headers and part of the body, then closed
            "error_rate=0.03",  # 500 / 502 / 503 with GitHub's error body
            "truncated_rate=0.01",  # 200 with JSON cut off half-way
            "malformed_rate=0.01",  # 200 with complete but invalid JSON
            "secondary_rate_limit_rate=0.01",  # 403 "secondary rate limit" + Retry-After
            "graphql_partial_rate=0.02",  # GraphQL 200 with `errors` and partial `data`
            "storm_every=200,storm_length=3",  # a burst of secondary-limit answers now and then
        )
    )
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    """A small org: a handful of engineers on one repository keeps each run in seconds."""
    with running_sandbox(engineers=3, repos=1, days=40) as server:
        yield server


@pytest.mark.parametrize("fetch_mode", ["rest", "graphql"])
def test_a_run_under_ten_percent_faults_leaves_the_warehouse_of_a_fault_free_run(
    sandbox,  # type: ignore[no-untyped-def]
    make_database,  # type: ignore[no-untyped-def]
    fetch_mode: str,
) -> None:
    from resources.warehouse import WarehouseResource

    def run(faults: FaultConfig) -> tuple[dict[str, tuple], dict[str, int], int]:
        sandbox.faults = faults  # the fault sequence restarts from the seed
        sandbox.request_log.reset()
        warehouse = WarehouseResource(database_url=make_database())
        result = materialize_everything(
            warehouse, sandbox_github(sandbox, fetch_mode), sandbox_jira(sandbox), START, SANDBOX_UNTIL
        )
        assert result.success, step_failures(result)
        log = sandbox.request_log
        return warehouse_digests(warehouse), dict(log.by_fault), log.total

    try:
        baseline, none_injected, _ = run(FaultConfig())
        faulted, injected, requests = run(FAULT_MIX)
    finally:
        sandbox.faults = FaultConfig()

    assert not none_injected
    populated = {table for table, (rows, _) in baseline.items() if rows}
    for layer in ("raw.github_", "raw.copilot_", "raw.jira_", "staging.", "processing.", "analytics."):
        assert any(table.startswith(layer) for table in populated), f"nothing landed in {layer}*"
    assert differing_tables(baseline, faulted) == {}
    # enough faults of enough kinds to mean something (GraphQL mode makes few requests: ~170 for 30 days)
    assert len(injected) >= 3 and sum(injected.values()) >= 5, (injected, requests)
