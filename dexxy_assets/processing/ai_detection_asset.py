"""``processing/pr_ai_detection``: regex AI detection over stored pull requests and commits (no API calls).

Its code version is the pattern registry's hash, so a pattern change marks every materialized partition
stale; ``sensors/stale_code_version`` then re-runs exactly those partitions as a single-run backfill.
"""

import datetime as dt
from collections import Counter

import dagster as dg
from sqlalchemy import text

from dexxy_assets import asset_metadata
from dexxy_assets.automation import after_upstream_partitions
from dexxy_assets.github.pull_request_staged_asset import PULL_REQUESTS_STAGED_KEY
from dexxy_assets.ingestion_report import report_materialization
from dexxy_assets.partitions import partition_dates
from dexxy_assets.processing import ai_detection
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import Jsonb, upsert
from resources.warehouse import WarehouseResource

PR_AI_DETECTION_KEY = dg.AssetKey(["processing", "pr_ai_detection"])

_PULL_REQUESTS = text(
    "SELECT pr_id, title, body, head_ref, author_login, labels, partition_date "
    "FROM staging.github_pull_requests WHERE partition_date = ANY(:days)"
)
_COMMITS = text(
    "SELECT pr_id, sha, message, author_login FROM staging.github_pr_commits WHERE pr_id = ANY(:ids)"
)
_CLEAR = (
    "DELETE FROM processing.pr_ai_detection WHERE partition_date = ANY(:days)",
    "DELETE FROM processing.commit_ai_detection WHERE partition_date = ANY(:days)",
)


def build_ai_detection_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=PR_AI_DETECTION_KEY,
        metadata=publishes("processing.pr_ai_detection", "processing.commit_ai_detection"),
        description=(
            "Which pull requests and commits were written with AI tools (Claude Code, Copilot, Cursor, "
            "Devin, Codex, Aider, ...), by versioned regex patterns over titles, bodies, branches, commit "
            "messages, Co-authored-by trailers, labels and bot authors. Reads stored data only."
        ),
        group_name="processing",
        owners=["team:data-platform"],
        kinds={"python", "postgres"},
        deps=[PULL_REQUESTS_STAGED_KEY],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        code_version=ai_detection.PATTERN_VERSION,
        automation_condition=after_upstream_partitions(),
    )
    def pr_ai_detection(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        days = partition_dates(context)
        detected_at = dt.datetime.now(dt.UTC)
        with warehouse.begin() as conn:
            prs = [dict(r._mapping) for r in conn.execute(_PULL_REQUESTS, {"days": days})]
            commits_by_pr: dict[int, list[dict]] = {}
            for row in conn.execute(_COMMITS, {"ids": [p["pr_id"] for p in prs]}):
                commits_by_pr.setdefault(row.pr_id, []).append(dict(row._mapping))
            pr_rows, commit_rows, tools = [], [], Counter[str]()
            for pr in prs:
                commits = commits_by_pr.get(pr["pr_id"], [])
                verdict = ai_detection.detect_pr(
                    pr["title"],
                    pr["body"],
                    pr["head_ref"],
                    [c["message"] for c in commits],
                    pr["author_login"],
                    pr["labels"] or (),
                )
                tools.update(verdict.tools)
                pr_rows.append(
                    {
                        "pr_id": pr["pr_id"],
                        "partition_date": pr["partition_date"],
                        "is_ai_assisted": verdict.is_ai_assisted,
                        "tools": verdict.tools,
                        "confidence": round(verdict.confidence, 3),
                        "pattern_version": verdict.pattern_version,
                        "evidence": Jsonb(verdict.evidence),
                        "detected_at": detected_at,
                    }
                )
                for commit in commits:
                    found = ai_detection.detect_commit(commit["message"], commit["author_login"])
                    commit_rows.append(
                        {
                            "pr_id": pr["pr_id"],
                            "sha": commit["sha"],
                            "partition_date": pr["partition_date"],
                            "is_ai_assisted": found.is_ai_assisted,
                            "ai_co_authors": found.ai_co_authors,
                            "tools": found.tools,
                            "pattern_version": found.pattern_version,
                        }
                    )
            for statement in _CLEAR:
                conn.execute(text(statement), {"days": days})
            if pr_rows:
                upsert(conn, "processing.pr_ai_detection", list(pr_rows[0]), pr_rows, ["pr_id"])
            if commit_rows:
                upsert(
                    conn,
                    "processing.commit_ai_detection",
                    list(commit_rows[0]),
                    commit_rows,
                    ["pr_id", "sha"],
                )
            schema = asset_metadata.table_schema(conn, "processing.pr_ai_detection")
        assisted = sum(1 for r in pr_rows if r["is_ai_assisted"])
        context.log.info(
            f"{assisted} of {len(pr_rows)} pull requests AI-assisted ({ai_detection.PATTERN_VERSION})"
        )
        rows_per_day = Counter(r["partition_date"] for r in pr_rows)
        assisted_per_day = Counter(r["partition_date"] for r in pr_rows if r["is_ai_assisted"])
        return report_materialization(
            context,
            PR_AI_DETECTION_KEY,
            rows_per_day=rows_per_day,
            problems=None,
            per_day={day: {"ai_assisted_prs": count} for day, count in assisted_per_day.items()},
            run_wide={
                "dagster/column_schema": schema,
                "pattern_version": ai_detection.PATTERN_VERSION,
                "ai_assisted_prs_in_run": assisted,
                "ai_assisted_share": round(assisted / len(pr_rows), 3) if pr_rows else 0.0,
                "ai_assisted_commits": sum(1 for r in commit_rows if r["is_ai_assisted"]),
                "prs_by_tool": dg.MetadataValue.json(dict(tools.most_common())),
            },
        )

    return pr_ai_detection
