"""``github/pull_requests_staged``: the raw pull requests and their children of each day parsed into staging
(``pull_request_staging``), re-staged from raw with zero API calls after a parser or rule change."""

import datetime as dt

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets.github.pull_request_assets import ENTITIES
from dexxy_assets.github.pull_request_entities import CHILDREN
from dexxy_assets.github.pull_request_staging import stage_pull_requests
from dexxy_assets.github.staged_asset import Staged, build_staged_asset

PULL_REQUESTS_STAGED_KEY = dg.AssetKey(["github", "pull_requests_staged"])


def _stage(conn: Connection, days: list[dt.date]) -> Staged:
    result = stage_pull_requests(conn, days)
    return Staged(
        rows=result.staged["pull_requests"],
        per_day=result.per_partition,
        problems=result.all_problems(),
        extra={f"staged_{name}": count for name, count in result.staged.items()},
    )


def build_pull_request_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_staged_asset(
        partitions,
        key=PULL_REQUESTS_STAGED_KEY,
        tables=["staging.github_pull_requests", *(child.staging_table for child in CHILDREN)],
        deps=[key for key, _, _ in ENTITIES.values()],
        description="Pull requests, reviews, commits, files, check runs and comments parsed from raw into "
        "staging (newest version of each pull request wins). Its code version is the parsers': a parser "
        "or rule change re-stages from raw with zero GitHub calls.",
        stage=_stage,
    )
