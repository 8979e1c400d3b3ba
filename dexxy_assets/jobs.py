"""Named jobs: one per source or layer (the asset group) and one for the whole platform, so every run (from
the UI, a schedule or `dexxy run`) has a name people can find, filter on and relaunch."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

ALL_JOB = "dexxy_all"
JOB_GROUPS = ("github", "copilot", "jira", "processing", "analytics")


def group_job_name(group: str) -> str:
    return f"dexxy_{group}"


def build_jobs() -> list[dg.UnresolvedAssetJobDefinition]:
    """Unpartitioned asset jobs: a run picks its partition range by tags (a single-run backfill), and the
    job mixes daily assets with unpartitioned snapshots and marts."""
    jobs = [
        dg.define_asset_job(
            group_job_name(group),
            selection=dg.AssetSelection.groups(group),
            description=f"Every asset of the {group} group.",
            tags={"dexxy/job_group": group},
        )
        for group in JOB_GROUPS
    ]
    jobs.append(
        dg.define_asset_job(ALL_JOB, selection=dg.AssetSelection.all(), description="Every Dexxy asset.")
    )
    return jobs


def job_for_groups(groups: Iterable[str | None]) -> str:
    """The narrowest named job holding every selected asset: its group's job, else the platform's."""
    distinct = set(groups)
    if len(distinct) == 1:
        (group,) = distinct
        if group in JOB_GROUPS:
            return group_job_name(group)
    return ALL_JOB
