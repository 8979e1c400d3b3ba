"""Named jobs: one per source or layer (the asset group) and one for the whole platform, so every run (from
the UI, a schedule or `dexxy run`) has a name people can find, filter on and relaunch."""

from __future__ import annotations

from collections.abc import Collection, Iterable

import dagster as dg

ALL_JOB = "dexxy_all"
ANALYTICS_GROUP = "analytics"


def group_job_name(group: str) -> str:
    return f"dexxy_{group}"


def build_jobs(groups: Iterable[str]) -> list[dg.UnresolvedAssetJobDefinition]:
    """One job per source and layer group (plus analytics), and one for everything. Unpartitioned asset
    jobs: a run picks its partition range by tags (a single-run backfill), and the job mixes daily assets
    with unpartitioned snapshots and marts."""
    jobs = [
        dg.define_asset_job(
            group_job_name(group),
            selection=dg.AssetSelection.groups(group),
            description=f"Every asset of the {group} group.",
            tags={"dexxy/job_group": group},
        )
        for group in (*groups, ANALYTICS_GROUP)
    ]
    jobs.append(
        dg.define_asset_job(ALL_JOB, selection=dg.AssetSelection.all(), description="Every Dexxy asset.")
    )
    return jobs


def job_for_groups(groups: Iterable[str | None], job_names: Collection[str]) -> str:
    """The narrowest named job holding every selected asset: its group's job, else the platform's."""
    distinct = set(groups)
    if len(distinct) == 1:
        (group,) = distinct
        if group is not None and group_job_name(group) in job_names:
            return group_job_name(group)
    return ALL_JOB
