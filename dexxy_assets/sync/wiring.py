"""What the sync controls add to the definitions: the ``sync_control`` sensor over every source's
ingestion assets and the ``sync_admin_*`` jobs of the Dagster UI."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from dexxy_assets.sync.admin_jobs import build_admin_jobs
from dexxy_assets.sync.control_sensor import build_sync_control_sensor


def build_sync_definitions(
    assets: Iterable[dg.AssetsDefinition],
    partitions: dg.TimeWindowPartitionsDefinition,
    sources: Iterable[str],
) -> dg.Definitions:
    return dg.Definitions(
        jobs=build_admin_jobs(tuple(sources)),
        sensors=[build_sync_control_sensor(assets, partitions)],
    )
