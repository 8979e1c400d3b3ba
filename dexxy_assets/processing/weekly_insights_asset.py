"""``processing/weekly_insights``: a short Groq-written narrative per team and week (headline, two to four
observations, one suggested focus) from the weekly rollup, DORA, sprints and the linkage rate.

Cached by input hash (``ops.llm_insight_cache``): a re-run over the same figures asks Groq nothing and
writes the same rows (``generated_at`` is when the answer was paid for). The prompt version is the asset's
code version, so a prompt change shows the asset stale and re-runs as a backfill. Weeks without activity get
no narrative (nothing to say, nothing to pay for). Without GROQ_API_KEY the asset succeeds, writes nothing
and says why; earlier insights stay."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import dagster as dg
from sqlalchemy import text

from dexxy_assets.automation import nightly
from dexxy_assets.processing import weekly_insights_prompt as prompt
from dexxy_assets.processing.llm_batch_ledger import WarehouseBatchLedger
from dexxy_assets.processing.weekly_insights_inputs import is_active, weekly_inputs
from dexxy_assets.run_wide_metadata import add_run_wide
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import Jsonb, upsert
from resources.groq_llm import GroqLLMResource, JsonRequest, LlmUsage
from resources.warehouse import WarehouseResource

WEEKLY_INSIGHTS_KEY = dg.AssetKey(["processing", "weekly_insights"])
READS = tuple(
    dg.AssetKey(["analytics", name])
    for name in (
        "weekly_team_rollup",
        "dora_weekly",
        "jira_sprint_metrics",
        "jira_issues",
        "team_memberships",
    )
)
NOT_CONFIGURED = (
    "skipped: GROQ_API_KEY is not set (set it, or run `dexxy sandbox serve`, for weekly insights)"
)

_CACHED = text(
    "SELECT input_hash, answer, created_at FROM ops.llm_insight_cache "
    "WHERE input_hash = ANY(:hashes) AND prompt_version = :version AND model = :model"
)
_CLEAR = text("DELETE FROM processing.weekly_insights WHERE week_start = ANY(:weeks)")
_CACHE_KEY = ["input_hash", "prompt_version", "model"]


def custom_id(input_hash: str) -> str:
    """A batch line's id: the figures' hash, so an answer is only ever used for the figures it answers."""
    return "insight-" + input_hash[:32]


def cache_insights(
    conn: Any,
    answers: Mapping[str, dict[str, Any] | None],
    hashes: Mapping[str, str],
    model: str,
    version: str,
) -> int:
    """Upsert the well-formed answers into ``ops.llm_insight_cache`` (a malformed one is asked again)."""
    rows = [
        {"input_hash": hashes[custom], "prompt_version": version, "model": model, "answer": Jsonb(valid)}
        for custom, answer in sorted(answers.items())
        if custom in hashes and (valid := prompt.valid_answer(answer)) is not None
    ]
    if rows:
        upsert(conn, "ops.llm_insight_cache", list(rows[0]), rows, _CACHE_KEY)
    return len(rows)


def run_weeks(window: dg.TimeWindow) -> list[dt.date]:
    """The Mondays (UTC) of the weeks a run over ``window`` touches: a narrative is about a whole week, so a
    run over one day rewrites its week's."""
    first = window.start.astimezone(dt.UTC).date()
    last = (window.end - dt.timedelta(microseconds=1)).astimezone(dt.UTC).date()
    monday = first - dt.timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += dt.timedelta(weeks=1)
    return weeks


def build_weekly_insights_asset(partitions: dg.TimeWindowPartitionsDefinition) -> dg.AssetsDefinition:
    """Partitioned by the shared UTC days (one Dagster run holds one partitions definition, and `dexxy run`
    materializes every asset over one range of days); each run writes the whole weeks its days touch."""

    @dg.asset(
        key=WEEKLY_INSIGHTS_KEY,
        metadata=publishes("processing.weekly_insights"),
        description="A short LLM narrative per team and week (Groq, structured JSON): headline, 2-4 "
        "observations, one suggested focus, from the weekly rollup, DORA, sprints and the Jira linkage rate. "
        "Cached by input hash; skipped without GROQ_API_KEY.",
        group_name="processing",
        owners=["team:data-platform"],
        kinds={"python", "postgres"},
        deps=list(READS),
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        code_version=prompt.PROMPT_VERSION,
        pool="groq_api",
        automation_condition=nightly("30 4 * * *"),  # yesterday's and today's weeks, after the rollups
    )
    def weekly_insights(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, llm: GroqLLMResource
    ) -> dg.MaterializeResult:
        if not llm.is_configured():
            context.log.warning(NOT_CONFIGURED)
            return dg.MaterializeResult(
                metadata={
                    "status": NOT_CONFIGURED,
                    "dagster/row_count": 0,
                    "prompt_version": prompt.PROMPT_VERSION,
                }
            )
        weeks = run_weeks(context.partition_time_window)
        model, version = llm.resolved_model(), prompt.PROMPT_VERSION
        with warehouse.connect() as conn:
            inputs = weekly_inputs(conn, weeks)
        active = {key: figures for key, figures in inputs.items() if is_active(figures["this_week"])}
        messages = {key: prompt.build_messages(figures) for key, figures in active.items()}
        hashes = {key: prompt.input_hash(m) for key, m in messages.items()}
        custom_hashes = {custom_id(digest): digest for digest in hashes.values()}
        cached = _cached(warehouse, hashes.values(), model)
        to_ask = sorted(
            {
                custom_id(d): JsonRequest(custom_id(d), messages[k])
                for k, d in hashes.items()
                if d not in cached
            }.values(),
            key=lambda request: request.custom_id,
        )
        usage = LlmUsage()
        ledger = WarehouseBatchLedger(warehouse, model, version, custom_hashes, cache=cache_insights)
        answers = llm.complete_json(to_ask, prompt.INSIGHT_SCHEMA, usage, ledger)
        with warehouse.begin() as conn:
            cache_insights(conn, answers, custom_hashes, model, version)
        cached = _cached(warehouse, hashes.values(), model)
        rows = [
            _row(week, team, active[(week, team)], hashes[(week, team)], model, *cached[hashes[(week, team)]])
            for (week, team) in sorted(active)
            if hashes[(week, team)] in cached
        ]
        with warehouse.begin() as conn:
            conn.execute(_CLEAR, {"weeks": weeks})
            if rows:
                upsert(conn, "processing.weekly_insights", list(rows[0]), rows, ["week_start", "team_key"])
        answered = [r for r in to_ask if r.custom_id in answers]
        problems = {
            "llm.answer_malformed": sum(1 for r in answered if custom_hashes[r.custom_id] not in cached),
            "llm.answer_missing": len(to_ask) - len(answered),
        }
        problems = {kind: count for kind, count in problems.items() if count}
        # what describes the run (its weeks, headlines, LLM usage) once, on the newest day: a range run
        # records an event per day, and a two-year run copied 8 KB into each of its 731 events
        add_run_wide(
            context,
            {
                "model": model,
                "weeks": [week.isoformat() for week in weeks],
                "team_weeks": len(inputs),
                "team_weeks_without_activity": len(inputs) - len(active),
                "team_weeks_with_sprints": sum(1 for f in active.values() if f["sprints"]),
                "cache_hits": len(active) - len(to_ask),
                **usage.metadata(model),
                "problems_by_kind": dg.MetadataValue.json(problems),
                "headlines": dg.MetadataValue.md(_headlines(rows)),
            },
        )
        metadata: dict[str, Any] = {
            "dagster/row_count": len(rows),
            "prompt_version": version,
            "problems": sum(problems.values()),
        }
        return dg.MaterializeResult(metadata=metadata)

    return weekly_insights


def _row(
    week: dt.date,
    team: str,
    inputs: dict[str, Any],
    digest: str,
    model: str,
    answer: dict[str, Any],
    at: dt.datetime,
) -> dict[str, Any]:
    return {
        "week_start": week,
        "team_key": team,
        "headline": answer["headline"],
        "observations": list(answer["observations"]),
        "suggested_focus": answer["suggested_focus"],
        "inputs": Jsonb(inputs),
        "input_hash": digest,
        "model": model,
        "prompt_version": prompt.PROMPT_VERSION,
        "generated_at": at,
    }


def _headlines(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "_No team had activity in these weeks._"
    lines = ["| week | team | headline |", "| --- | --- | --- |"]
    lines += [
        f"| {r['week_start']} | {r['team_key']} | {r['headline'].replace('|', '/')} |" for r in rows[:50]
    ]
    return "\n".join(lines)


def _cached(
    warehouse: WarehouseResource, hashes: Any, model: str
) -> dict[str, tuple[dict[str, Any], dt.datetime]]:
    """input hash → (answer, when it was paid for) for the figures already answered."""
    with warehouse.connect() as conn:
        found = conn.execute(
            _CACHED, {"hashes": sorted(set(hashes)), "version": prompt.PROMPT_VERSION, "model": model}
        )
        return {r.input_hash: (r.answer, r.created_at) for r in found}
