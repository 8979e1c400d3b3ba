"""The Dagster instance Dexxy records runs in: $DAGSTER_HOME if set, else $DEXXY_HOME/dagster_home with its
storage in a `dagster` database on the warehouse's server (the one `make dev` shows)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from sqlalchemy.engine import make_url

from resources.embedded_postgres import DAGSTER_DATABASE, ensure_database
from resources.environment import dexxy_home, env_value

_INSTANCE_YAML = """\
# Written by dexxy; edit deploy/dagster.yaml for a production instance.
storage:
  postgres:
    postgres_url: "{url}"
concurrency:
  runs:
    max_concurrent_runs: 4
  pools:
    default_limit: 4
telemetry:
  enabled: false
"""


def dagster_storage_url(warehouse_url: str) -> str:
    """A `dagster` database next to the warehouse database on the same server."""
    url = make_url(warehouse_url)
    try:
        ensure_database(url.render_as_string(hide_password=False), DAGSTER_DATABASE)
    except Exception:  # no CREATEDB on a managed server: Dagster's tables go into the warehouse database
        return warehouse_url
    return url.set(database=DAGSTER_DATABASE).render_as_string(hide_password=False)


def prepare_dagster_home(warehouse_url: str) -> Path:
    """Point DAGSTER_HOME at an instance with Postgres storage, writing its dagster.yaml if needed."""
    configured = env_value("DAGSTER_HOME")
    if configured:
        return Path(configured)
    home = dexxy_home() / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    config = _INSTANCE_YAML.format(url=dagster_storage_url(warehouse_url))
    yaml_path = home / "dagster.yaml"
    if not yaml_path.exists() or yaml_path.read_text() != config:
        yaml_path.write_text(config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def get_instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get()
