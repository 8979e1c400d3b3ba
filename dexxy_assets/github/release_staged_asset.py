"""``github/releases_staged``: the raw releases of each day parsed into ``staging.github_releases`` (newest
version wins), re-staged from raw with zero API calls after a parser change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets.github.asset_settings import SETTINGS
from dexxy_assets.github.parser_version import GITHUB_PARSER_VERSION
from dexxy_assets.github.record_staging import stage_records
from dexxy_assets.github.release_assets import RELEASES_KEY
from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog
from dexxy_assets.staging_asset import build_staging_asset

RELEASES_STAGED_KEY = dg.AssetKey(["github", "releases_staged"])


def release_row(
    payload: Any, repo: str, partition: dt.date, fetched_at: dt.datetime, problems: ProblemLog
) -> dict[str, Any] | None:
    """A typed row; None (counted) for a release without an id or a creation time."""
    f = FieldReader(payload, "release", problems, partition)
    release_id, created_at = f.integer("id", required=True), f.timestamp("created_at", required=True)
    if release_id is None or created_at is None:
        f.problem("unkeyed", payload)
        return None
    published_at = f.timestamp("published_at")
    return {
        "release_id": release_id,
        "repo_full_name": repo,
        "tag_name": f.text("tag_name"),
        "name": f.text("name"),
        "target_commitish": f.text("target_commitish"),
        "is_draft": bool(f.boolean("draft")),
        "is_prerelease": bool(f.boolean("prerelease")),
        "author_login": f.text("author", "login"),
        "created_at": created_at,
        "published_at": published_at,
        # a release changes when it is published (drafts have no published_at); fetched_at breaks ties
        "updated_at": max(created_at, published_at or created_at),
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def stage_releases(conn: Connection, days: list[dt.date], _context: Any = None) -> Landed:
    return stage_records(
        conn, days, "raw.github_releases", "staging.github_releases", "release_id", release_row
    )


def build_release_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_staging_asset(
        SETTINGS,
        partitions,
        key=RELEASES_STAGED_KEY,
        tables=["staging.github_releases"],
        deps=[RELEASES_KEY],
        description="Releases parsed from raw into staging (newest version wins); the deployments mart "
        "picks the deployment releases with processing.deployment_rules.",
        parser_version=GITHUB_PARSER_VERSION,
        stage=stage_releases,
    )
