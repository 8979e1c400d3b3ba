"""``github/deployments_staged``: the raw deployments of each day parsed into staging with their change sets
(``deployment_staging``), re-staged from raw with zero API calls after a parser change."""

import datetime as dt

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets.github.asset_settings import SETTINGS
from dexxy_assets.github.deployment_assets import DEPLOYMENTS_KEY
from dexxy_assets.github.deployment_staging import stage_deployments
from dexxy_assets.github.parser_version import GITHUB_PARSER_VERSION
from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.problems import ProblemLog
from dexxy_assets.staging_asset import build_staging_asset

DEPLOYMENTS_STAGED_KEY = dg.AssetKey(["github", "deployments_staged"])


def _stage(conn: Connection, days: list[dt.date], _context: dg.AssetExecutionContext) -> Landed:
    problems = ProblemLog()
    rows, per_day = stage_deployments(conn, days, problems)
    return Landed(rows=rows, per_day=per_day, problems=problems)


def build_deployment_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_staging_asset(
        SETTINGS,
        partitions,
        key=DEPLOYMENTS_STAGED_KEY,
        tables=["staging.github_deployments", "staging.github_deployment_commits"],
        deps=[DEPLOYMENTS_KEY],
        description="Deployments and the change sets of successful production deployments parsed from raw "
        "into staging (newest version wins). Its code version is the parsers': a parser change re-stages "
        "from raw with zero GitHub calls.",
        parser_version=GITHUB_PARSER_VERSION,
        stage=_stage,
    )
