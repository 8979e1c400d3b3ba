"""``github/releases_staged``: the raw releases of each day parsed into ``staging.github_releases`` (newest
version wins), re-staged from raw with zero API calls after a parser change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg

from dexxy_assets.github.record_staging import RecordStaging
from dexxy_assets.github.release_assets import RELEASES_KEY
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog

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


RELEASES_STAGING = RecordStaging(
    key=RELEASES_STAGED_KEY,
    raw_key=RELEASES_KEY,
    raw_table="raw.github_releases",
    staging_table="staging.github_releases",
    id_column="release_id",
    parse=release_row,
    parser_file="github/release_staging.py",
    description="Releases parsed from raw into staging (newest version wins); the deployments mart "
    "picks the deployment releases with processing.deployment_rules.",
)
