"""What every GitHub ingestion asset shares: group, owner, kinds, pool, schedule and resource."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import dagster as dg

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.automation import nightly
from dexxy_assets.source_contract import SourceSettings

GROUP = "github"
OWNERS = ["team:data-platform"]
KINDS = {"github", "postgres"}
POOL = "github_api"
# The original system synced GitHub at 02:00 UTC; the nightly run re-reads yesterday as well as today.
DAILY_AT_0200 = nightly("0 2 * * *")
SETTINGS = SourceSettings(
    group=GROUP, owners=tuple(OWNERS), kinds=frozenset(KINDS), pool=POOL, automation=DAILY_AT_0200
)


def github_ingestion_asset(
    name: str,
    entities: Iterable[ingest.Entity],
    load: Callable[[ingest.IngestionRun], ingest.LandingStep],
    partitions: dg.PartitionsDefinition | None = None,
    deps: Iterable[dg.AssetKey] = (),
) -> dg.AssetsDefinition:
    """The ingestion factory with GitHub's settings and its ``github`` resource."""
    return ingest.build_ingestion_asset(
        ingest.IngestionSpec(
            name=name,
            entities=tuple(entities),
            settings=SETTINGS,
            load=load,
            api_resource="github",
            partitions=partitions,
            deps=tuple(deps),
        )
    )
