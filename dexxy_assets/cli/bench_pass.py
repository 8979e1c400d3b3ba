"""One sync pass of `dexxy bench`, in a child process of its own so that its peak RSS is Dexxy's alone.

`python -m dexxy_assets.cli.bench_pass SETTINGS.json RESULT.json`: the settings (sandbox URL, org, fetch
mode, partition range) come in a file, the token and the warehouse URL in DEXXY_BENCH_GITHUB_TOKEN and
DEXXY_BENCH_DATABASE_URL, never in the file or on the command line. The result holds the run's own
figures: pull requests and rows landed, the wall time of `materialize`, and the time spent inside the
steps (asset bodies), read from the run's event log, so the bench can tell Dagster's own overhead per
partition.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import dagster as dg

from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS

TOKEN_VARIABLE = "DEXXY_BENCH_GITHUB_TOKEN"
DATABASE_VARIABLE = "DEXXY_BENCH_DATABASE_URL"  # may hold a password: the environment, never the file


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> float:
    """Seconds between each step's start and its success (or failure), summed over the run's steps."""
    started: dict[str, float] = {}
    total = 0.0
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
            total += entry.timestamp - started.pop(event.step_key)
    return total


def run_pass(settings: dict[str, Any]) -> dict[str, Any]:
    """Materialize the pull-request assets over the settings' partition range in one run."""
    from dexxy_assets.definitions import defs
    from resources.github import GitHubResource
    from resources.warehouse import WarehouseResource

    github = GitHubResource(
        api_url=settings["api_url"],
        token=os.environ[TOKEN_VARIABLE],
        orgs=[settings["org"]],
        fetch_mode=settings["mode"],
    )
    warehouse = WarehouseResource(database_url=os.environ[DATABASE_VARIABLE])
    definitions = defs()
    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    result = dg.materialize(
        assets=list(definitions.assets),  # type: ignore[arg-type]
        selection=PULL_REQUEST_ASSETS,
        # every resource of the definitions (unselected assets still need theirs bound), ours overriding
        resources={**definitions.resources, "warehouse": warehouse, "github": github},
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": settings["start"],
            "dagster/asset_partition_range_end": settings["end"],
        },
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        raise_on_error=False,
    )
    seconds = time.perf_counter() - started
    if not result.success:
        return {"success": False}
    metadata = {  # the newest day's event of each asset carries the run's totals
        event.asset_key.to_user_string(): {k: v.value for k, v in event.metadata.items()}
        for node in ("github_pull_requests", "github__pull_requests_staged")
        for event in result.asset_materializations_for_node(node)
        if "rows_in_run" in event.metadata
    }
    prs = metadata.pop("github/pull_requests")
    staged = metadata.pop("github/pull_requests_staged")
    days = (dt.date.fromisoformat(settings["end"]) - dt.date.fromisoformat(settings["start"])).days + 1
    return {
        "success": True,
        "pull_requests": int(prs["rows_in_run"]),
        "rows": int(prs["rows_in_run"])
        + sum(int(m["rows_in_run"]) for m in metadata.values())
        + sum(int(v) for k, v in staged.items() if k.startswith("staged_")),
        "client_requests": int(prs["api_requests"]),
        "client_points": int(prs["api_budget_points"]),
        "seconds": seconds,
        "step_seconds": step_seconds(instance, result.run_id),
        "partitions": days,
    }


def main(argv: list[str]) -> int:
    settings = json.loads(Path(argv[0]).read_text())
    outcome = run_pass(settings)
    Path(argv[1]).write_text(json.dumps(outcome))
    return 0 if outcome["success"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
