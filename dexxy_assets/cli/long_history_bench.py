"""The long-history scenario of `dexxy bench`: years of daily partitions of one repository, synced by a real
`dexxy run` child process into a Dagster instance of its own, so its wall time, peak memory and the bytes it
writes to the event log are the ones an operator would see.

What grows with the range shows here: events per partition (planned + materialized), bytes per event, and
any per-run work that is repeated per partition.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from dexxy_assets.cli.bench_memory import run_measured
from dexxy_assets.cli.dagster_home import with_async_commit

# Storage only: no run queue or daemon is involved in `dexxy run`. The URL is read from the environment,
# never written into the file.
_INSTANCE_YAML = """\
storage:
  postgres:
    postgres_url:
      env: DEXXY_BENCH_DAGSTER_URL
telemetry:
  enabled: false
"""

_EVENT_LOG = text(
    """
    SELECT count(*) AS events,
           coalesce(sum(length(event)), 0) AS bytes,
           count(*) FILTER (WHERE dagster_event_type = 'ASSET_MATERIALIZATION') AS materializations,
           coalesce(sum(length(event)) FILTER (WHERE dagster_event_type = 'ASSET_MATERIALIZATION'), 0)
               AS materialization_bytes,
           count(*) FILTER (WHERE dagster_event_type = 'ASSET_MATERIALIZATION_PLANNED') AS planned,
           count(DISTINCT partition) FILTER (WHERE dagster_event_type = 'ASSET_MATERIALIZATION')
               AS partitions
    FROM event_logs
    """
)
_MATERIALIZATIONS_PER_PARTITION = text(
    """
    SELECT coalesce(max(n), 0) FROM (
        SELECT asset_key, partition, count(*) AS n FROM event_logs
        WHERE dagster_event_type = 'ASSET_MATERIALIZATION' AND partition IS NOT NULL
        GROUP BY asset_key, partition
    ) per_asset_partition
    """
)


@dataclass
class HistoryResult:
    days: int
    pull_requests: int
    seconds: float
    cpu_seconds: float  # of the `dexxy run` process alone (Postgres works on the other core)
    peak_rss_mib: float
    events: int
    event_bytes: int
    materializations: int
    materialization_bytes: int
    planned_events: int
    partitions: int
    materializations_per_asset_partition: int

    @property
    def event_bytes_per_day(self) -> float:
        return self.event_bytes / max(self.days, 1)

    @property
    def bytes_per_materialization(self) -> float:
        return self.materialization_bytes / max(self.materializations, 1)


def run_long_history(
    days: int, end: dt.date, sandbox_env: dict[str, str], warehouse_url: str, dagster_url: str
) -> HistoryResult:
    """`dexxy run --start END-days+1 --end END` (default selection) in a child process; its peak RSS is
    its process tree's (``run_measured``), the event-log figures are read from its fresh instance database."""
    start = end - dt.timedelta(days=days - 1)
    with tempfile.TemporaryDirectory(prefix="dexxy-bench-") as home:
        Path(home, "dagster.yaml").write_text(_INSTANCE_YAML)
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("GITHUB_", "GROQ_", "JIRA_", "SLACK_"))
        }
        env |= {
            "GITHUB_API_URL": sandbox_env["GITHUB_API_URL"],
            "GITHUB_TOKEN": sandbox_env["GITHUB_TOKEN"],
            "GITHUB_ORGS": sandbox_env["GITHUB_ORGS"],
            "GITHUB_FETCH_MODE": sandbox_env.get("GITHUB_FETCH_MODE", "graphql"),
            "DATABASE_URL": warehouse_url,
            "DEXXY_BENCH_DAGSTER_URL": with_async_commit(dagster_url),  # as in dexxy's own instance
            "DAGSTER_HOME": home,
            "DEXXY_HOME": str(Path(home, "dexxy_home")),
            "DEXXY_START_DATE": start.isoformat(),
        }
        command = [
            sys.executable,
            "-c",
            "from dexxy_assets.cli.main import cli; cli()",
            "run",
            "--start",
            start.isoformat(),
            "--end",
            end.isoformat(),
        ]
        output = Path(home, "run.log")
        started = time.perf_counter()
        with output.open("w") as log:
            child = run_measured(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - started
        exit_code = child.returncode
        if exit_code != 0:
            tail = "\n".join(output.read_text(errors="replace").strip().splitlines()[-15:])
            raise RuntimeError(f"the long-history `dexxy run` failed (exit {exit_code}):\n{tail}")
    return _measure(days, seconds, child.cpu_seconds, child.peak_rss_mib, warehouse_url, dagster_url)


def _measure(
    days: int, seconds: float, cpu_seconds: float, peak_mib: float, warehouse_url: str, dagster_url: str
) -> HistoryResult:
    engine = create_engine(dagster_url, poolclass=NullPool)
    with engine.connect() as conn:
        log = conn.execute(_EVENT_LOG).one()
        per_partition = conn.execute(_MATERIALIZATIONS_PER_PARTITION).scalar_one()
    engine.dispose()
    engine = create_engine(warehouse_url, poolclass=NullPool)
    with engine.connect() as conn:
        prs = conn.execute(text("SELECT count(*) FROM staging.github_pull_requests")).scalar_one()
    engine.dispose()
    return HistoryResult(
        days=days,
        pull_requests=int(prs),
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        peak_rss_mib=peak_mib,
        events=int(log.events),
        event_bytes=int(log.bytes),
        materializations=int(log.materializations),
        materialization_bytes=int(log.materialization_bytes),
        planned_events=int(log.planned),
        partitions=int(log.partitions),
        materializations_per_asset_partition=int(per_partition),
    )
