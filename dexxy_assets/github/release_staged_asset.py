"""``github/releases_staged``: the raw releases of each day parsed into ``staging.github_releases`` (newest
version wins), re-staged from raw with zero API calls after a parser change."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.github.release_assets import RELEASES_KEY
from dexxy_assets.github.staged_asset import Staged, build_staged_asset
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import lock_partitions, upsert

RELEASES_STAGED_KEY = dg.AssetKey(["github", "releases_staged"])
_RAW = text(
    "SELECT partition_date, repo_full_name, fetched_at, payload FROM raw.github_releases "
    "WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row"
)


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


def stage_releases(conn: Connection, days: list[dt.date]) -> Staged:
    lock_partitions(conn, "raw.github_releases", days)
    problems, per_day, rows = ProblemLog(), Counter[dt.date](), []
    for raw in conn.execute(_RAW, {"days": days}):
        row = release_row(raw.payload, raw.repo_full_name, raw.partition_date, raw.fetched_at, problems)
        if row is not None:
            rows.append(row)
            per_day[raw.partition_date] += 1
    if rows:
        upsert(
            conn, "staging.github_releases", list(rows[0]), rows, ["release_id"], ["updated_at", "fetched_at"]
        )
    return Staged(rows=len(rows), per_day=per_day, problems=problems)


def build_release_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_staged_asset(
        partitions,
        key=RELEASES_STAGED_KEY,
        tables=["staging.github_releases"],
        deps=[RELEASES_KEY],
        description="Releases parsed from raw into staging (newest version wins); the deployments mart "
        "picks the deployment releases with processing.deployment_rules.",
        stage=stage_releases,
    )
