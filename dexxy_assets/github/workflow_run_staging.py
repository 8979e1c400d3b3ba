"""``github/workflow_runs_staged``: the raw workflow runs of each day parsed into
``staging.github_workflow_runs`` (newest version wins), re-staged from raw with zero API calls after a
parser change. Which runs are deployments is decided later, in SQL, by ``processing.deployment_rules``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg

from dexxy_assets.github.record_staging import RecordStaging
from dexxy_assets.github.workflow_run_assets import WORKFLOW_RUNS_KEY
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog

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


WORKFLOW_RUNS_STAGING = RecordStaging(
    key=WORKFLOW_RUNS_STAGED_KEY,
    raw_key=WORKFLOW_RUNS_KEY,
    raw_table="raw.github_workflow_runs",
    staging_table="staging.github_workflow_runs",
    id_column="run_id",
    parse=workflow_run_row,
    parser_file="github/workflow_run_staging.py",
    description="GitHub Actions workflow runs parsed from raw into staging (newest version wins); the "
    "deployments mart picks the deployment runs with processing.deployment_rules.",
)
