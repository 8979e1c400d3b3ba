"""Runs whose process died (SIGKILL, OOM, a closed laptop) stay STARTED for ever and keep their pool slots:
after `default_limit` of them every new run waits on `github_api` for good. Under `dexxy dev` the daemon's
run monitoring fails them; `dexxy run` and `dexxy demo` have no daemon, so they call `release_dead_runs`
first. A run launched in-process by the CLI carries `run_liveness_tags()`, which say which process ran it.
"""

from __future__ import annotations

import socket

import dagster as dg
import psutil

PID_TAG = "dexxy/pid"
HOST_TAG = "dexxy/host"
PROCESS_STARTED_TAG = "dexxy/process_started"

_ACTIVE_STATUSES = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
_FINISHED_STATUSES = [
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
]
_START_TIME_TOLERANCE_SECONDS = 1.0


def run_liveness_tags() -> dict[str, str]:
    """Tags naming the process that executes a run in-process, so a later command can tell if it died."""
    process = psutil.Process()
    return {
        PID_TAG: str(process.pid),
        HOST_TAG: socket.gethostname(),
        PROCESS_STARTED_TAG: f"{process.create_time():.3f}",
    }


def release_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the runs whose process is gone and free every pool slot still held by a finished run;
    return the ids of the runs whose slots or status changed."""
    released: list[str] = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=_ACTIVE_STATUSES)):
        run = record.dagster_run
        if _process_is_gone(run.tags):
            message = (
                f"The process that ran this run (pid {run.tags[PID_TAG]} on {run.tags[HOST_TAG]}) is gone: "
                "marked failed and its pool slots freed by the next dexxy command."
            )
            if run.status == dg.DagsterRunStatus.CANCELING:
                instance.report_run_canceled(run, message=message)
            else:
                instance.report_run_failed(run, message=message)
            released.append(run.run_id)
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return released
    holders = storage.get_concurrency_run_ids()
    if not holders:
        return released
    finished = [
        record.dagster_run.run_id
        for record in instance.get_run_records(
            filters=dg.RunsFilter(run_ids=sorted(holders), statuses=_FINISHED_STATUSES)
        )
    ]
    # A slot under a run id the run storage does not know is left alone: it may be a claim made outside
    # a run (or a run being created right now); `dagster instance concurrency` can clear it by hand.
    for run_id in sorted(finished):
        storage.free_concurrency_slots_for_run(run_id)
        if run_id not in released:
            released.append(run_id)
    return released


def _process_is_gone(tags: dict[str, str]) -> bool:
    """True only when the run names a process on this host and that process no longer exists (a reused
    pid is told apart by its start time). Runs from elsewhere are left to the daemon's run monitoring."""
    if tags.get(HOST_TAG) != socket.gethostname() or PID_TAG not in tags:
        return False
    try:
        pid = int(tags[PID_TAG])
        started = float(tags[PROCESS_STARTED_TAG]) if PROCESS_STARTED_TAG in tags else None
    except ValueError:
        return False
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return True
        if started is None:
            return False
        return abs(process.create_time() - started) > _START_TIME_TOLERANCE_SECONDS
    except psutil.NoSuchProcess:
        return True
    except psutil.AccessDenied:  # another user's live process
        return False
