"""The Dagster instance Dexxy records runs in: $DAGSTER_HOME if set, else $DEXXY_HOME/dagster_home with its
storage in a `dagster` database on the warehouse's server (the one `make dev` shows).

The storage URL's password never lands in the file or on a command line: a URL with a password is
referenced as ``{env: DAGSTER_PG_URL}``, which this process sets and every Dagster process it starts inherits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import click
import dagster as dg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from dexxy_assets.cli.stale_runs import release_dead_runs
from resources.embedded_postgres import DAGSTER_DATABASE, ensure_database, home_lock
from resources.environment import dexxy_home, env_value

STORAGE_URL_VARIABLE = "DAGSTER_PG_URL"
# Each stored event is its own committed transaction; waiting for its WAL flush dominated long range runs.
# Off only on Dagster's own connections: a crash of the server host (not of a process) can lose the last
# fraction of a second of run events, never the warehouse's data and never a consistent database.
_ASYNC_COMMIT = "-c synchronous_commit=off"
# Dagster writes the per-day materializations of one step as one INSERT (a transaction per event otherwise);
# if a batch fails Dagster stores its events one by one. The operator's own value wins.
_EVENT_BATCHING = {"DAGSTER_EVENT_BATCH_SIZE": "100"}
# Connections `dexxy run` keeps open: the run's thread and the progress display's.
_POOL_OVERFLOW = 2

_INSTANCE_YAML = """\
# Written by dexxy; edit deploy/dagster.yaml for a production instance.
storage:
  postgres:
    postgres_url: {storage_url}
concurrency:
  runs:
    max_concurrent_runs: 4
  pools:
    default_limit: 4
# Runs whose worker died (SIGKILL, OOM, a lost host) are failed by the daemon under `dexxy dev`, and pool
# slots still held by finished runs are freed; `dexxy run` / `dexxy demo` do the same when they start.
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  max_resume_run_attempts: 0
  poll_interval_seconds: 30
  free_slots_after_run_end_seconds: 30
telemetry:
  enabled: false
"""


# `dexxy run` executes in its own process and prints its own progress, so its instance captures no compute
# logs: Dagster's capture redirects the process's stderr into a file mirrored back by `tail -F` children,
# which a Ctrl-C (sent to the whole process group) killed with tracebacks and before dexxy's last line.
# Same storage as dagster.yaml, so its runs show in the UI like any other.
CLI_INSTANCE_YAML = "cli.yaml"
_NO_COMPUTE_LOGS = """\
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""


def dagster_storage_url(warehouse_url: str) -> str:
    """A `dagster` database next to the warehouse database on the same server."""
    url = make_url(warehouse_url)
    storage_url = url.set(database=DAGSTER_DATABASE).render_as_string(hide_password=False)
    try:
        ensure_database(url.render_as_string(hide_password=False), DAGSTER_DATABASE)
        usable = _can_use_runs_table(storage_url)
    except Exception:  # no CREATEDB on a managed server: Dagster's tables go into the warehouse database
        return with_async_commit(warehouse_url)
    # a `dagster` database someone else's Dagster set up, which this login cannot use: stay out of it
    return with_async_commit(storage_url if usable else warehouse_url)


def _can_use_runs_table(storage_url: str) -> bool:
    """True when Dagster's tables are not there yet or this login may write them."""
    engine = create_engine(storage_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT to_regclass('public.runs') IS NULL "
                        "OR has_table_privilege('public.runs', 'SELECT, INSERT, UPDATE')"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def with_async_commit(storage_url: str) -> str:
    """The storage URL with `synchronous_commit=off` for the connections Dagster opens with it."""
    url = make_url(storage_url)
    options = url.query.get("options")
    existing = options if isinstance(options, str) else " ".join(options or ())
    if _ASYNC_COMMIT in existing:
        return storage_url
    combined = f"{existing} {_ASYNC_COMMIT}".strip()
    return url.update_query_dict({"options": combined}).render_as_string(hide_password=False)


def event_batching(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables that batch event writes, for the Dagster processes dexxy runs or starts."""
    return {name: environ.get(name) or value for name, value in _EVENT_BATCHING.items()}


def pool_connections(instance: dg.DagsterInstance) -> None:
    """Keep the instance's storage connections open for this process: Dagster's Postgres storage otherwise
    opens a new connection for every event it stores (2-3 per materialization of a long range run)."""
    instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=_POOL_OVERFLOW)


def instance_yaml(storage_url: str) -> str:
    """The instance config; a URL carrying a password is referenced from the environment, not written."""
    if make_url(storage_url).password:
        reference = f"{{env: {STORAGE_URL_VARIABLE}}}"
    else:  # the embedded server's socket URL holds no secret: literal, so plain `dagster` commands work too
        reference = '"' + storage_url.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return _INSTANCE_YAML.format(storage_url=reference)


def prepare_dagster_home(warehouse_url: str) -> Path:
    """Point DAGSTER_HOME at an instance with Postgres storage, writing its dagster.yaml if needed."""
    configured = env_value("DAGSTER_HOME")
    if configured:
        return Path(configured)
    home = dexxy_home() / "dagster_home"
    write_instance_yaml(home, dagster_storage_url(warehouse_url))
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def write_instance_yaml(home: Path, storage_url: str) -> Path:
    """Write `home/dagster.yaml` and `home/cli.yaml` (mode 0600) and export the storage URL they may
    reference; returns the first."""
    home.mkdir(parents=True, exist_ok=True)
    config = instance_yaml(storage_url)
    _write_private(home / CLI_INSTANCE_YAML, config + _NO_COMPUTE_LOGS)
    yaml_path = _write_private(home / "dagster.yaml", config)
    os.environ[STORAGE_URL_VARIABLE] = storage_url
    return yaml_path


def _write_private(path: Path, config: str) -> Path:
    if not path.exists() or path.read_text() != config:
        # Written to a private temporary file first: never readable by others, never half-written.
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(config)
        os.replace(partial, path)
    path.chmod(0o600)
    return path


def get_instance(cli: bool = False) -> dg.DagsterInstance:
    """The instance, after failing the runs whose process died and freeing the pool slots they held
    (`dexxy run` has no daemon to do it). ``cli``: the same instance without compute-log capture, for a
    command that executes runs in its own process (on a home dexxy wrote; a user's own is used as is)."""
    ours = dexxy_home() / "dagster_home"
    configured = os.environ.get("DAGSTER_HOME", "")
    # a home dexxy wrote has cli.yaml beside dagster.yaml (wherever DEXXY_HOME pointed when it was written)
    use_cli = cli and bool(configured) and (Path(configured) / CLI_INSTANCE_YAML).exists()

    def load() -> dg.DagsterInstance:
        if use_cli:
            return dg.DagsterInstance.from_config(configured, CLI_INSTANCE_YAML)
        return dg.DagsterInstance.get()

    if Path(configured) == ours:
        # Two first commands on a fresh home would both create Dagster's tables (Dagster retries, noisily).
        with home_lock(dexxy_home()):
            instance = load()
    else:
        instance = load()
    released = release_dead_runs(instance)
    if released:
        click.echo(
            f"released the pool slots of {len(released)} interrupted run(s): {', '.join(released)}", err=True
        )
    return instance
