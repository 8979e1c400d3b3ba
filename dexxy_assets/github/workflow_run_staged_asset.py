"""``github/workflow_runs_staged``: the raw workflow runs of each day parsed into
``staging.github_workflow_runs`` (newest version wins), re-staged from raw with zero API calls after a
parser change. Which runs are deployments is decided later, in SQL, by ``processing.deployment_rules``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets.github.asset_settings import SETTINGS
from dexxy_assets.github.parser_version import GITHUB_PARSER_VERSION
from dexxy_assets.github.record_staging import stage_records
from dexxy_assets.github.workflow_run_assets import WORKFLOW_RUNS_KEY
from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog
from dexxy_assets.staging_asset import build_staging_asset

WORKFLOW_RUNS_STAGED_KEY = dg.AssetKey(["github", "workflow_runs_staged"])
RUN_STATUSES = frozenset({"queued", "in_progress", "completed", "requested", "waiting", "pending"})
RUN_CONCLUSIONS = frozenset(
    {
        "success",
        "failure",
        "cancelled",
        "skipped",
        "neutral",
        "timed_out",
        "action_required",
        "stale",
        "startup_failure",
    }
)


def workflow_run_row(
    payload: Any, repo: str, partition: dt.date, fetched_at: dt.datetime, problems: ProblemLog
) -> dict[str, Any] | None:
    """A typed row; None (counted) for a run without an id or a creation time."""
    f = FieldReader(payload, "workflow_run", problems, partition)
    run_id, created_at = f.integer("id", required=True), f.timestamp("created_at", required=True)
    if run_id is None or created_at is None:
        f.problem("unkeyed", payload)
        return None
    return {
        "run_id": run_id,
        "repo_full_name": repo,
        "workflow_id": f.integer("workflow_id"),
        "name": f.text("name"),
        "path": f.text("path"),
        "head_branch": f.text("head_branch"),
        "head_sha": f.text("head_sha"),
        "event": f.text("event"),
        "status": f.enum(RUN_STATUSES, "status"),
        "conclusion": f.enum(RUN_CONCLUSIONS, "conclusion"),
        "run_attempt": f.integer("run_attempt"),
        "actor_login": f.text("actor", "login"),
        "created_at": created_at,
        "run_started_at": f.timestamp("run_started_at"),
        "updated_at": f.timestamp("updated_at") or created_at,
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def stage_workflow_runs(conn: Connection, days: list[dt.date], _context: Any = None) -> Landed:
    return stage_records(
        conn, days, "raw.github_workflow_runs", "staging.github_workflow_runs", "run_id", workflow_run_row
    )


def build_workflow_run_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_staging_asset(
        SETTINGS,
        partitions,
        key=WORKFLOW_RUNS_STAGED_KEY,
        tables=["staging.github_workflow_runs"],
        deps=[WORKFLOW_RUNS_KEY],
        description="GitHub Actions workflow runs parsed from raw into staging (newest version wins); the "
        "deployments mart picks the deployment runs with processing.deployment_rules.",
        parser_version=GITHUB_PARSER_VERSION,
        stage=stage_workflow_runs,
    )
