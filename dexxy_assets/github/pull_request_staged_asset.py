"""``github/pull_requests_staged``: the raw pull requests and their children of each day parsed into staging
(``pull_request_staging``), re-staged from raw with zero API calls after a parser or rule change."""

import datetime as dt

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets.github.asset_settings import SETTINGS
from dexxy_assets.github.parser_version import GITHUB_PARSER_VERSION
from dexxy_assets.github.pull_request_assets import ENTITIES
from dexxy_assets.github.pull_request_entities import CHILDREN
from dexxy_assets.github.pull_request_staging import stage_pull_requests
from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.staging_asset import build_staging_asset

PULL_REQUESTS_STAGED_KEY = dg.AssetKey(["github", "pull_requests_staged"])


def _stage(conn: Connection, days: list[dt.date], _context: dg.AssetExecutionContext) -> Landed:
    result = stage_pull_requests(conn, days)
    return Landed(
        rows=result.staged["pull_requests"],
        per_day=result.per_partition,
        problems=result.all_problems(),
        run_wide={f"staged_{name}": count for name, count in result.staged.items()},
    )


def build_pull_request_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_staging_asset(
        SETTINGS,
        partitions,
        key=PULL_REQUESTS_STAGED_KEY,
        tables=["staging.github_pull_requests", *(child.staging_table for child in CHILDREN)],
        deps=[key for key, _, _ in ENTITIES.values()],
        description="Pull requests, reviews, commits, files, check runs and comments parsed from raw into "
        "staging (newest version of each pull request wins). Its code version is the parsers': a parser "
        "or rule change re-stages from raw with zero GitHub calls.",
        parser_version=GITHUB_PARSER_VERSION,
        stage=_stage,
    )
