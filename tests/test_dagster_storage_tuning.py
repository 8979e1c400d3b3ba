"""D15: Dagster's own storage commits without waiting for the WAL flush (each stored event is a transaction
of its own), and `dexxy run` keeps its storage connections open instead of one per event."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from dexxy_assets.cli.dagster_home import dagster_storage_url, pool_connections, write_instance_yaml


def _setting(url: str, name: str) -> str:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        value = conn.execute(text("SELECT current_setting(:n)"), {"n": name}).scalar_one()
    engine.dispose()
    return str(value)


def _sessions(url: str) -> int:
    """Connections opened to the current database so far (a counter of the server)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_force_next_flush()"))
        value = conn.execute(
            text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        ).scalar_one()
    engine.dispose()
    return int(value)


def test_dagster_storage_commits_asynchronously_and_the_warehouse_does_not(make_database) -> None:  # type: ignore[no-untyped-def]
    warehouse_url = make_database()
    storage_url = dagster_storage_url(warehouse_url)
    assert _setting(storage_url, "synchronous_commit") == "off"
    assert _setting(warehouse_url, "synchronous_commit") == "on"
    assert dagster_storage_url(storage_url).count("synchronous_commit") == 1  # idempotent


def test_dexxy_run_reuses_its_storage_connections(
    make_database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    storage_url = make_database()
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    write_instance_yaml(tmp_path, storage_url)
    events = 40
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        pool_connections(instance)
        before = _sessions(storage_url)
        for day in range(events):
            instance.report_runless_asset_event(
                dg.AssetMaterialization(asset_key="bench_asset", metadata={"day": day})
            )
        opened = _sessions(storage_url) - before - 1  # minus the counting connection itself
    # Without the pool every stored event opens (and closes) one or more connections of its own.
    assert opened < events // 4, f"{opened} connections for {events} stored events"
