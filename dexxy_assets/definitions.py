"""The single Dagster entry point (workspace.yaml, `dagster dev`, `dexxy run`): every registered source,
the processing layer, then the marts, with what every source gets alike (the warehouse, a
``no_ingest_problems`` check per ingestion asset, a stale-parser sensor per versioned asset, the jobs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg

from dexxy_assets.analytics.layer import ANALYTICS_MARTS, build_analytics_assets, build_analytics_checks
from dexxy_assets.analytics.mart_asset import build_mart_asset
from dexxy_assets.checks.sql_checks import build_sql_check, ingest_problems_check
from dexxy_assets.jobs import build_jobs
from dexxy_assets.partitions import daily_partitions, resolve_start_date
from dexxy_assets.processing.layer import GROUP as PROCESSING_GROUP
from dexxy_assets.processing.layer import build_processing_definitions
from dexxy_assets.source_contract import INGESTION, LAYER_TAG, Source
from dexxy_assets.sources import registered_sources
from dexxy_assets.sync.wiring import build_sync_definitions
from dexxy_assets.table_lineage import table_publishers
from resources.notifications import NotificationResource
from resources.warehouse import WarehouseResource
from sensors.run_failure_alerts import run_failure_alerts
from sensors.stale_code_version import build_stale_code_version_sensor
from sensors.sync_success_checks import sync_success_checks
from sensors.webhook_sensor import build_webhook_sensor


@dg.definitions
def defs() -> dg.Definitions:
    """Built when Dagster loads the code location, not at import, so the environment is read then."""
    return build_definitions(registered_sources())


def build_definitions(sources: Iterable[Source]) -> dg.Definitions:
    sources = tuple(sources)
    partitions = daily_partitions(resolve_start_date())
    built = dg.Definitions.merge(
        *(source.build(partitions) for source in sources), build_processing_definitions(partitions)
    )
    assets = [a for a in built.assets or [] if isinstance(a, dg.AssetsDefinition)]
    # marts last: each depends on the assets that publish the tables its SQL model reads
    publishers = table_publishers(assets)
    marts = [
        build_mart_asset(spec, publishers)
        for spec in (*(m for s in sources for m in s.marts), *ANALYTICS_MARTS)
    ]
    ingested = [
        key for a in assets for key in a.keys if a.tags_by_key.get(key, {}).get(LAYER_TAG) == INGESTION
    ]
    versioned = [a for a in assets if a.partitions_def and any(a.code_versions_by_key.values())]
    shared = dg.Definitions(
        assets=[*marts, *build_analytics_assets()],
        asset_checks=[
            *(build_sql_check(ingest_problems_check(key)) for key in ingested),
            *build_analytics_checks(),
        ],
        jobs=build_jobs([*(s.settings.group for s in sources), PROCESSING_GROUP]),
        sensors=[
            run_failure_alerts,
            sync_success_checks,
            *(build_stale_code_version_sensor(a) for a in versioned),
            build_webhook_sensor(partitions, {s.name: s.settings.group for s in sources}),
            dg.AutomationConditionSensorDefinition(
                "default_automation_condition_sensor",
                target=dg.AssetSelection.all(),
                default_status=dg.DefaultSensorStatus.RUNNING,
            ),
        ],
        resources={
            "warehouse": WarehouseResource(),
            "notifications": NotificationResource(),
            **source_resources(sources),
        },
    )
    controls = build_sync_definitions(assets, partitions, (s.name for s in sources))
    return dg.Definitions.merge(built, shared, controls)


def source_resources(sources: Iterable[Source]) -> dict[str, Any]:
    """Every source's API resource once: two sources of one API (GitHub, Copilot) share its resource."""
    resources: dict[str, Any] = {}
    for source in sources:
        offered: Mapping[str, Any] = source.resources()
        for key, resource in offered.items():
            if key in resources and type(resources[key]) is not type(resource):
                raise ValueError(f"sources disagree on the {key!r} resource: {source.name} brings another")
            resources.setdefault(key, resource)
    return resources
