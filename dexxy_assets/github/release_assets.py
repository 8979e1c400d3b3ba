"""``github/releases`` (raw): releases created on the partition's day, in the repositories a
``DEXXY_DEPLOYMENT_RULES`` release rule covers (the shape of ``github/workflow_runs``)."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from dexxy_assets.github.deployment_rules import RELEASE
from dexxy_assets.github.release_fetch import fetch_releases
from dexxy_assets.github.workflow_run_assets import build_rule_scoped_raw_asset
from dexxy_assets.github.workflow_run_fetch import FetchedRecord
from dexxy_assets.problems import ProblemLog
from resources.github_client import GitHubClient

RELEASES_KEY = dg.AssetKey(["github", "releases"])
RELEASES_TABLE = "raw.github_releases"


def _fetch(
    client: GitHubClient, repo: str, start: dt.datetime, end: dt.datetime, problems: ProblemLog
) -> list[FetchedRecord]:
    return fetch_releases(client, repo, start, end)


def build_release_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_rule_scoped_raw_asset(
        partitions,
        key=RELEASES_KEY,
        table=RELEASES_TABLE,
        id_column="release_id",
        source=RELEASE,
        fetch=_fetch,
        description="Releases created on the partition's day (raw JSON), in the repositories a "
        "DEXXY_DEPLOYMENT_RULES release rule covers.",
    )
