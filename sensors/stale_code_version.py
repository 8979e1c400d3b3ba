"""Re-run the partitions an asset materialized under an older code version (a changed pattern set or
prompt) as one backfill, reading stored data rather than the APIs. The UI shows them stale meanwhile."""

import hashlib

import dagster as dg

CODE_VERSION_TAG = "dagster/code_version"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
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


def contiguous_ranges(keys: list[str], partitions: dg.PartitionsDefinition) -> list[tuple[str, str]]:
    """Runs of consecutive partition keys as (first, last): one single-run backfill run each."""
    wanted = set(keys)
    ranges: list[tuple[str, str]] = []
    start: str | None = None
    previous: str | None = None
    for key in partitions.get_partition_keys():
        if key in wanted:
            start = start or key
            previous = key
        elif start is not None:
            ranges.append((start, previous))  # type: ignore[arg-type]
            start = None
    if start is not None:
        ranges.append((start, previous))  # type: ignore[arg-type]
    return ranges


def build_stale_code_version_sensor(assets_def: dg.AssetsDefinition) -> dg.SensorDefinition:
    """``assets_def`` is the one loaded with this sensor, so its code version is the current one."""
    asset_key = assets_def.key
    code_version = assets_def.code_versions_by_key.get(asset_key)
    partitions = assets_def.partitions_def
    assert partitions is not None, f"{asset_key.to_user_string()} must be partitioned"
    name = f"rerun_stale_{'_'.join(asset_key.path)}"

    @dg.sensor(
        name=name,
        description=f"Backfills the partitions of {asset_key.to_user_string()} materialized under an older "
        "code version, once per (code version, set of stale partitions).",
        minimum_interval_seconds=300,
        default_status=dg.DefaultSensorStatus.RUNNING,
        asset_selection=[asset_key],
    )
    def rerun_stale(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        stale = stale_partitions(context.instance, asset_key, code_version)
        if not stale:
            return dg.SkipReason(f"every materialized partition is at code version {code_version}")
        request_id = hashlib.sha256(f"{code_version}:{','.join(stale)}".encode()).hexdigest()[:16]
        if context.cursor == request_id:
            return dg.SkipReason(f"{len(stale)} stale partitions already requested")
        context.log.info(
            f"{len(stale)} partitions of {asset_key.to_user_string()} are stale: {stale[0]}..{stale[-1]}"
        )
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=f"{request_id}:{first}",
                    asset_selection=[asset_key],
                    tags={
                        RANGE_START_TAG: first,
                        RANGE_END_TAG: last,
                        "dexxy/reason": "code-version-change",
                        "dexxy/code_version": str(code_version),
                    },
                )
                for first, last in contiguous_ranges(stale, partitions)
            ],
            cursor=request_id,
        )

    return rerun_stale
