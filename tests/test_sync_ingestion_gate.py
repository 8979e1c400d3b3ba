"""The ingestion factory and ops.sync_state on real runs against the sandbox: a paused source's run skips
with a message (recorded in ops.sync_log) and fetches nothing; resumed, it lands and its entities turn
active with their window; a failure leaves its classified code; a removed repository keeps its history
and is left out of the next sync."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from dexxy_assets.sync import state
from dexxy_assets.sync.admin_actions import schedule
from dexxy_assets.sync.ingestion_hooks import AUTOMATION_TAG
from dexxy_assets.sync.scope_changes import (
    add_scope,
    pause_scope,
    pause_source,
    remove_scope,
    resume_source,
)
from dexxy_sandbox.server import SandboxServer
from resources.warehouse import WarehouseResource
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG
from tests.github_runs import github_resource, materialize_range, materialize_selection
from tests.sandbox_fixtures import running_sandbox

DAYS = (dt.date(2026, 6, 25), dt.date(2026, 6, 29))


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox() as running:
        yield running


def count(warehouse: WarehouseResource, sql: str, **params: object) -> int:
    with warehouse.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def pr_rows_by_repo(warehouse: WarehouseResource, table: str) -> dict[str, int]:
    with warehouse.connect() as conn:
        rows = conn.execute(
            text(f"SELECT repo_full_name, count(*) FROM {table} GROUP BY 1")  # noqa: S608 - test constant
        )
        return {r[0]: r[1] for r in rows}


def statuses(warehouse: WarehouseResource) -> dict[str, state.SyncState]:
    with warehouse.connect() as conn:
        return {r.entity: r for r in state.read(conn, "github", "*") if r.entity != "*"}


def test_a_paused_source_skips_then_syncs_once_resumed(
    server: SandboxServer, warehouse: WarehouseResource
) -> None:
    github = github_resource(server)
    with warehouse.begin() as conn:
        pause_source(conn, "github", reason="installation suspended")
    server.request_log.reset()
    result = materialize_range(warehouse, github, *DAYS, selection=PULL_REQUEST_ASSETS)
    assert result.success
    metadata = result.asset_materializations_for_node("github_pull_requests")[0].metadata
    assert metadata["status"].value.startswith("github is paused (installation suspended): not syncing")
    assert count(warehouse, "SELECT count(*) FROM raw.github_pull_requests") == 0
    assert server.request_log.total == 0  # nothing fetched
    with warehouse.connect() as conn:
        skipped = conn.execute(
            text("SELECT entity, level, message FROM ops.sync_log WHERE status = 'skipped' ORDER BY entity")
        ).all()
    assert {r.entity for r in skipped} >= {"github/pull_requests", "github/reviews"}
    assert {r.level for r in skipped} == {"warning"}
    assert all("paused" in r.message and "dexxy sync resume --source github" in r.message for r in skipped)

    with warehouse.begin() as conn:
        resume_source(conn, "github", reason="installation unsuspended")
    assert materialize_range(warehouse, github, *DAYS, selection=PULL_REQUEST_ASSETS).success
    assert count(warehouse, "SELECT count(*) FROM raw.github_pull_requests") > 0
    pulls = statuses(warehouse)["github/pull_requests"]
    assert pulls.status == "active"
    assert (pulls.window_start, pulls.window_end) == DAYS
    assert pulls.last_success_at is not None and pulls.last_error_code is None
    with warehouse.connect() as conn:
        landed = conn.execute(
            text(
                "SELECT source, scope, level, message FROM ops.sync_log "
                "WHERE entity = 'github/pull_requests' "
                "AND status = 'success'"
            )
        ).one()
    assert (landed.source, landed.scope, landed.level) == ("github", "*", "info")
    assert landed.message.endswith(" rows landed")


def test_a_failed_sync_records_its_classified_code(
    server: SandboxServer, warehouse: WarehouseResource
) -> None:
    result = materialize_range(
        warehouse, github_resource(server, token="revoked-token"), *DAYS, selection=PULL_REQUEST_ASSETS
    )
    assert not result.success
    pulls = statuses(warehouse)["github/pull_requests"]
    assert (pulls.status, pulls.last_error_code) == ("error", "AUTH_EXPIRED")
    with warehouse.connect() as conn:
        line = conn.execute(
            text(
                "SELECT level, classified_code, message FROM ops.sync_log "
                "WHERE entity = 'github/pull_requests' AND status = 'failure'"
            )
        ).one()
    assert (line.level, line.classified_code) == ("error", "AUTH_EXPIRED")
    assert line.message.startswith("github sync failed (AUTH_EXPIRED): ")
    assert "revoked-token" not in line.message  # the token never reaches the log


def test_a_removed_repository_keeps_its_history_and_is_not_synced_again(
    server: SandboxServer, warehouse: WarehouseResource
) -> None:
    github = github_resource(server)
    selection = " or ".join(f"{part}+" for part in PULL_REQUEST_ASSETS.split(" or "))
    assert materialize_range(warehouse, github, *DAYS, selection=selection).success
    staged_before = pr_rows_by_repo(warehouse, "staging.github_pull_requests")
    assert len(staged_before) == 2
    removed, kept = sorted(staged_before)
    with warehouse.begin() as conn:
        remove_scope(conn, "github", removed, reason="installation_repositories removed")
    assert materialize_range(warehouse, github, *DAYS, selection=selection).success
    assert set(pr_rows_by_repo(warehouse, "raw.github_pull_requests")) == {kept}  # not fetched again
    assert pr_rows_by_repo(warehouse, "staging.github_pull_requests") == staged_before  # history kept
    with warehouse.begin() as conn:
        add_scope(conn, "github", removed, reason="added back")
    assert materialize_range(warehouse, github, *DAYS, selection=selection).success
    assert set(pr_rows_by_repo(warehouse, "raw.github_pull_requests")) == {kept, removed}
    with warehouse.begin() as conn:  # a paused repository is left out the same way
        pause_scope(conn, "github", kept, reason="noisy fork")
    assert materialize_range(warehouse, github, *DAYS, selection=selection).success
    assert set(pr_rows_by_repo(warehouse, "raw.github_pull_requests")) == {removed}


def test_a_stored_cadence_holds_back_the_nightly_automation(
    server: SandboxServer, warehouse: WarehouseResource
) -> None:
    github = github_resource(server)
    with warehouse.begin() as conn:
        schedule(conn, "github", "0 */6 * * *", by="a test")
    automated = {
        AUTOMATION_TAG: "true",
        RANGE_START_TAG: DAYS[0].isoformat(),
        RANGE_END_TAG: DAYS[1].isoformat(),
    }
    held = materialize_selection(warehouse, github, PULL_REQUEST_ASSETS, tags=automated)
    metadata = held.asset_materializations_for_node("github_pull_requests")[0].metadata
    assert "follows its stored schedule `0 */6 * * *`" in metadata["status"].value
    assert count(warehouse, "SELECT count(*) FROM raw.github_pull_requests") == 0
    # the sync_control sensor's runs (no automation tag) sync
    assert materialize_range(warehouse, github, *DAYS, selection=PULL_REQUEST_ASSETS).success
    assert count(warehouse, "SELECT count(*) FROM raw.github_pull_requests") > 0
