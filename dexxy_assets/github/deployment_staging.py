"""Staging of deployments derived from raw: parse the stored deployments of some days (both shapes) into
``staging.github_deployments`` newest-wins, and rewrite the change sets of what was staged. Reads no API."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from dexxy_assets.github import deployment_graphql, staging_rows
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import copy_rows, lock_partitions, upsert

_RAW = text(
    "SELECT partition_date, repo_full_name, fetched_at, payload_format, payload, statuses, change_set "
    "FROM raw.github_deployments WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row"
)


def rest_shapes(payload: Any, statuses: Any, payload_format: str) -> tuple[Any, list[Any]]:
    """(deployment, statuses) in the REST shapes ``staging_rows.deployment_row`` reads."""
    listed = statuses if isinstance(statuses, list) else []
    if payload_format != "graphql":
        return payload, listed
    rest = deployment_graphql.deployment(payload)
    return (rest if isinstance(rest, dict) else {"unparseable": rest}), deployment_graphql.statuses(
        payload, listed
    )


def stage_deployments(
    conn: Connection, days: Sequence[dt.date], problems: ProblemLog
) -> tuple[int, Counter[dt.date]]:
    """Parse the raw deployments of ``days`` into staging; (rows staged, staged per day)."""
    lock_partitions(conn, "raw.github_deployments", days)
    staged, commits, per_day = [], [], Counter[dt.date]()
    for raw in conn.execute(_RAW, {"days": list(days)}):
        rest, rest_statuses = rest_shapes(raw.payload, raw.statuses, raw.payload_format)
        row = staging_rows.deployment_row(
            rest, rest_statuses, raw.repo_full_name, raw.partition_date, raw.fetched_at, problems
        )
        if row is None:
            continue
        per_day[raw.partition_date] += 1
        change_set = raw.change_set if isinstance(raw.change_set, dict) else {}
        staged.append(
            {
                **row,
                "previous_deployment_id": change_set.get("previous_deployment_id"),
                "change_set_known": raw.change_set is not None,
            }
        )
        commits += [
            {
                "deployment_id": row["deployment_id"],
                "sha": sha,
                "repo_full_name": raw.repo_full_name,
                "fetched_at": raw.fetched_at,
            }
            for sha in dict.fromkeys(change_set.get("commit_shas") or [])
        ]
    if staged:
        upsert(
            conn,
            "staging.github_deployments",
            list(staged[0]),
            staged,
            ["deployment_id"],
            ["updated_at", "fetched_at"],
        )
    conn.execute(
        text("DELETE FROM staging.github_deployment_commits WHERE deployment_id = ANY(:ids)"),
        {"ids": [row["deployment_id"] for row in staged if row["change_set_known"]]},
    )
    copy_rows(
        conn,
        "staging.github_deployment_commits",
        ["deployment_id", "sha", "repo_full_name", "fetched_at"],
        commits,
    )
    return len(staged), per_day
