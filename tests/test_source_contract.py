"""The source contract: every registered source is wired the same way by definitions.py, and a new
source is one folder plus one line in the registry; nothing else changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import Connection, text

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.automation import nightly
from dexxy_assets.definitions import build_definitions
from dexxy_assets.landing import land_partitions
from dexxy_assets.source_contract import INGESTION, LAYER_TAG, Source, SourceSettings
from dexxy_assets.sources import registered_sources
from resources.warehouse import WarehouseResource

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TOY_KEY = dg.AssetKey(["toy", "events"])
TOY_SETTINGS = SourceSettings(
    group="toy",
    owners=("team:data-platform",),
    kinds=frozenset({"python", "postgres"}),
    pool="toy_api",
    automation=nightly("0 4 * * *"),
)


class ToyApi(dg.ConfigurableResource):
    """A source's API resource: here, a fixed number of events per day."""

    events_per_day: int = 3


def _load(run: ingest.IngestionRun) -> ingest.LandingStep:
    api: ToyApi = run.api
    rows = [
        {"partition_date": day, "payload_text": f"event {i}"}
        for day in run.days
        for i in range(api.events_per_day)
    ]

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS raw.toy_events "
                "(partition_date date, payload_text text, partition_row int)"
            )
        )
        written = land_partitions(conn, "raw.toy_events", run.days, ["partition_date", "payload_text"], rows)
        return {TOY_KEY: ingest.Landed(rows=written, per_day={d: api.events_per_day for d in run.days})}

    return land


def _build_toy(partitions: dg.TimeWindowPartitionsDefinition) -> dg.Definitions:
    spec = ingest.IngestionSpec(
        name="toy_events",
        entities=(ingest.Entity(TOY_KEY, "Toy events of each day.", "raw.toy_events"),),
        settings=TOY_SETTINGS,
        load=_load,
        api_resource="toy",
        partitions=partitions,
    )
    return dg.Definitions(assets=[ingest.build_ingestion_asset(spec)])


TOY = Source(
    name="toy", settings=TOY_SETTINGS, env_vars=(), build=_build_toy, resources=lambda: {"toy": ToyApi()}
)


def test_every_registered_source_is_wired_alike() -> None:
    sources = registered_sources()
    definitions = build_definitions(sources)
    graph = definitions.resolve_asset_graph()
    checked = {
        key.asset_key
        for checks in definitions.asset_checks or []
        for key in checks.check_keys  # type: ignore[union-attr]
        if key.name == "no_ingest_problems"
    }
    env_example = (PROJECT_ROOT / ".env.example").read_text()
    for source in sources:
        keys = [k for k in graph.get_all_asset_keys() if graph.get(k).group_name == source.settings.group]
        assert keys, source.name
        for key in keys:
            node = graph.get(key)
            assert node.tags.get(LAYER_TAG) == INGESTION, key
            assert key in checked, key  # bad input is visible on every ingestion asset
            if node.pools:
                assert node.pools == {source.settings.pool}, key
        assert definitions.resolve_job_def(f"dexxy_{source.settings.group}")
        for mart in source.marts:
            assert graph.has(dg.AssetKey(["analytics", mart.name])), mart.name
        for name in source.env_vars:
            assert f"{name}=" in env_example, f"{source.name}: {name} is not documented in .env.example"
        assert set(source.resources()) <= set(definitions.resources or {})


def test_a_new_source_is_one_registration(warehouse: WarehouseResource) -> None:
    """A source defined only here (no file of the product changed) gets its job, its check, its resource,
    the shared bookkeeping, and lands its days."""
    definitions = build_definitions((*registered_sources(), TOY))
    graph = definitions.resolve_asset_graph()
    node = graph.get(TOY_KEY)
    assert node.group_name == "toy" and node.pools == {"toy_api"}
    job = definitions.resolve_job_def("dexxy_toy")
    assert job.asset_layer.executable_asset_keys == {TOY_KEY}
    checks = {key for c in definitions.asset_checks or [] for key in c.check_keys}  # type: ignore[union-attr]
    assert dg.AssetCheckKey(TOY_KEY, "no_ingest_problems") in checks

    days = ["2026-06-01", "2026-06-02"]
    result = dg.materialize(
        assets=[
            a for a in definitions.assets or [] if isinstance(a, dg.AssetsDefinition) and TOY_KEY in a.keys
        ],
        resources={"warehouse": warehouse, "toy": ToyApi(events_per_day=2)},
        instance=dg.DagsterInstance.ephemeral(),
        tags={"dagster/asset_partition_range_start": days[0], "dagster/asset_partition_range_end": days[1]},
    )
    assert result.success
    with warehouse.connect() as conn:
        landed = conn.execute(text("SELECT count(*) FROM raw.toy_events")).scalar_one()
        logged = conn.execute(
            text("SELECT rows_written FROM ops.sync_log WHERE asset_key = 'toy/events'")
        ).scalar_one()
    assert landed == logged == 4
    newest = result.asset_materializations_for_node("toy_events")[-1]
    assert newest.metadata["rows_in_run"].value == 4
    assert dt.date.fromisoformat(newest.partition or "") == dt.date(2026, 6, 2)


def test_an_interrupted_step_does_not_stay_syncing(warehouse: WarehouseResource) -> None:
    """Ctrl-C (or a terminated run) inside a step: its entity is `error` with code INTERRUPTED, not left
    `syncing` for ever in `dexxy sync status`."""

    def interrupted(run: ingest.IngestionRun) -> ingest.LandingStep:
        raise KeyboardInterrupt

    spec = ingest.IngestionSpec(
        name="toy_events",
        entities=(ingest.Entity(TOY_KEY, "Toy events of each day.", "raw.toy_events"),),
        settings=TOY_SETTINGS,
        load=interrupted,
        api_resource="toy",
        partitions=dg.DailyPartitionsDefinition(start_date="2026-06-01"),
    )
    with pytest.raises(KeyboardInterrupt):
        dg.materialize(
            assets=[ingest.build_ingestion_asset(spec)],
            resources={"warehouse": warehouse, "toy": ToyApi()},
            instance=dg.DagsterInstance.ephemeral(),
            partition_key="2026-06-01",
        )
    with warehouse.connect() as conn:
        state = conn.execute(
            text("SELECT status, last_error_code FROM ops.sync_state WHERE entity = 'toy/events'")
        ).one()
    assert tuple(state) == ("error", "INTERRUPTED")
