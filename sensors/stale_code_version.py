"""Re-run the partitions an asset materialized under an older code version (a changed pattern set or
prompt) as one backfill, reading stored data rather than the APIs. The UI shows them stale meanwhile."""

import hashlib

import dagster as dg
from dagster._core.definitions.assets.graph.asset_graph_subset import AssetGraphSubset
from dagster._core.definitions.events import AssetKeyPartitionKey

CODE_VERSION_TAG = "dagster/code_version"
_PAGE = 1000


def latest_code_versions(instance: dg.DagsterInstance, asset_key: dg.AssetKey) -> dict[str, str | None]:
    """The code version of each partition's latest materialization."""
    latest: dict[str, str | None] = {}
    cursor = None
    while True:
        page = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=asset_key), limit=_PAGE, cursor=cursor, ascending=False
        )
        for record in page.records:
            materialization = record.asset_materialization
            if (
                materialization is not None
                and materialization.partition
                and materialization.partition not in latest
            ):
                latest[materialization.partition] = (materialization.tags or {}).get(CODE_VERSION_TAG)
        if not page.has_more:
            return latest
        cursor = page.cursor


def stale_partitions(instance: dg.DagsterInstance, asset_key: dg.AssetKey, current: str | None) -> list[str]:
    return sorted(
        key for key, version in latest_code_versions(instance, asset_key).items() if version != current
    )


def build_stale_code_version_sensor(asset_key: dg.AssetKey) -> dg.SensorDefinition:
    name = f"rerun_stale_{'_'.join(asset_key.path)}"

    @dg.sensor(
        name=name,
        description=f"Backfills the partitions of {asset_key.to_user_string()} materialized under an older "
        "code version, once per (code version, set of stale partitions).",
        minimum_interval_seconds=300,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def rerun_stale(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        graph = context.repository_def.asset_graph  # type: ignore[union-attr]
        node = graph.get(asset_key)
        stale = stale_partitions(context.instance, asset_key, node.code_version)
        if not stale:
            return dg.SkipReason(f"every materialized partition is at code version {node.code_version}")
        request_id = hashlib.sha256(f"{node.code_version}:{','.join(stale)}".encode()).hexdigest()[:16]
        if context.cursor == request_id:
            return dg.SkipReason(f"{len(stale)} stale partitions already requested")
        subset = AssetGraphSubset.from_asset_partition_set(
            {AssetKeyPartitionKey(asset_key, key) for key in stale}, graph
        )
        context.log.info(
            f"{len(stale)} partitions of {asset_key.to_user_string()} are stale: {stale[0]}..{stale[-1]}"
        )
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest.for_asset_graph_subset(
                    subset,
                    tags={
                        "dexxy/reason": "code-version-change",
                        "dexxy/code_version": str(node.code_version),
                    },
                )
            ],
            cursor=request_id,
        )

    return rerun_stale
