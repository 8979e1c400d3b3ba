"""``processing/pr_llm_summaries``: a Groq-written summary, change type, risk, AI verdict with evidence and
technical areas per pull request, cached by (PR, content hash, prompt version, model).

Without GROQ_API_KEY the asset materializes nothing new and says so (the rest of the graph runs, earlier
summaries stay)."""

import datetime as dt

import dagster as dg
from sqlalchemy import text

from dexxy_assets.automation import nightly
from dexxy_assets.github.pull_request_assets import COMMITS_KEY, PULL_REQUESTS_KEY
from dexxy_assets.partitions import partition_dates
from dexxy_assets.processing import llm_prompt
from resources.bulk_load import Jsonb, upsert
from resources.groq_llm import GroqLLMResource, JsonRequest, LlmUsage
from resources.warehouse import WarehouseResource

PR_LLM_SUMMARIES_KEY = dg.AssetKey(["processing", "pr_llm_summaries"])

_PULL_REQUESTS = text(
    "SELECT p.pr_id, p.title, p.body, p.head_ref, p.labels, p.partition_date, "
    "coalesce(array_agg(c.message ORDER BY c.committed_at) FILTER (WHERE c.sha IS NOT NULL), '{}') "
    "AS messages "
    "FROM staging.github_pull_requests p LEFT JOIN staging.github_pr_commits c ON c.pr_id = p.pr_id "
    "WHERE p.partition_date = ANY(:days) GROUP BY p.pr_id"
)
_CACHED = text(
    "SELECT pr_id, content_hash, answer FROM ops.llm_cache "
    "WHERE pr_id = ANY(:ids) AND prompt_version = :version AND model = :model"
)
_CLEAR = text("DELETE FROM processing.pr_llm_summaries WHERE partition_date = ANY(:days)")


def summary_row(pr: dict, answer: dict, model: str, at: dt.datetime) -> dict:
    ai = answer.get("ai_usage") if isinstance(answer.get("ai_usage"), dict) else {}

    def strings(value: object) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) else []

    verdict = ai.get("verdict")
    return {
        "pr_id": pr["pr_id"],
        "partition_date": pr["partition_date"],
        "summary": answer.get("summary") if isinstance(answer.get("summary"), str) else None,
        "change_type": answer.get("change_type") if isinstance(answer.get("change_type"), str) else None,
        "risk": answer.get("risk") if isinstance(answer.get("risk"), str) else None,
        "ai_verdict": verdict if isinstance(verdict, bool) else None,
        "ai_evidence": strings(ai.get("evidence")),
        "tech_areas": strings(answer.get("tech_areas")),
        "model": model,
        "prompt_version": llm_prompt.PROMPT_VERSION,
        "summarized_at": at,
    }


def build_llm_summary_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=PR_LLM_SUMMARIES_KEY,
        description="LLM summaries of pull requests (Groq): summary, change type, risk, AI-usage verdict "
        "with evidence, technical areas. Cached so nothing is paid for twice; skipped without GROQ_API_KEY.",
        group_name="processing",
        owners=["team:data-platform"],
        kinds={"python", "postgres"},
        deps=[PULL_REQUESTS_KEY, COMMITS_KEY],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        code_version=llm_prompt.PROMPT_VERSION,
        pool="groq_api",
        automation_condition=nightly("0 4 * * *"),
    )
    def pr_llm_summaries(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, llm: GroqLLMResource
    ) -> dg.MaterializeResult:
        if not llm.is_configured():
            reason = "skipped: GROQ_API_KEY is not set (set it, or run `dexxy sandbox serve`, to summarise)"
            context.log.warning(reason)
            return dg.MaterializeResult(metadata={"status": reason, "dagster/row_count": 0})
        days = partition_dates(context)
        model = llm.resolved_model()
        usage = LlmUsage()
        with warehouse.connect() as conn:
            prs = [dict(r._mapping) for r in conn.execute(_PULL_REQUESTS, {"days": days})]
            cached = {
                (r.pr_id, r.content_hash): r.answer
                for r in conn.execute(
                    _CACHED,
                    {"ids": [p["pr_id"] for p in prs], "version": llm_prompt.PROMPT_VERSION, "model": model},
                )
            }
        messages = {
            p["pr_id"]: llm_prompt.build_messages(
                p["title"], p["body"], p["head_ref"], p["labels"] or [], p["messages"]
            )
            for p in prs
        }
        hashes = {pr_id: llm_prompt.content_hash(m) for pr_id, m in messages.items()}
        to_ask = [
            JsonRequest(str(pr_id), m)
            for pr_id, m in messages.items()
            if (pr_id, hashes[pr_id]) not in cached
        ]
        answers = llm.complete_json(to_ask, llm_prompt.SUMMARY_SCHEMA, usage)
        fresh = {int(custom_id): answer for custom_id, answer in answers.items() if answer is not None}
        now = dt.datetime.now(dt.UTC)
        rows = []
        for pr in prs:
            answer = cached.get((pr["pr_id"], hashes[pr["pr_id"]])) or fresh.get(pr["pr_id"])
            if answer is not None:
                rows.append(summary_row(pr, answer, model, now))
        with warehouse.begin() as conn:
            cache_rows = [
                {
                    "pr_id": pr_id,
                    "content_hash": hashes[pr_id],
                    "prompt_version": llm_prompt.PROMPT_VERSION,
                    "model": model,
                    "answer": Jsonb(answer),
                }
                for pr_id, answer in fresh.items()
            ]
            if cache_rows:
                upsert(
                    conn,
                    "ops.llm_cache",
                    list(cache_rows[0]),
                    cache_rows,
                    ["pr_id", "content_hash", "prompt_version", "model"],
                )
            conn.execute(_CLEAR, {"days": days})
            if rows:
                upsert(conn, "processing.pr_llm_summaries", list(rows[0]), rows, ["pr_id"])
        unanswered = len(to_ask) - len(fresh)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": len(rows),
                "model": model,
                "prompt_version": llm_prompt.PROMPT_VERSION,
                "cache_hits": len(prs) - len(to_ask),
                "llm_requests": usage.requests,
                "llm_batches": usage.batches,
                "llm_rate_limit_waits": usage.budget_waits,
                "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens,
                "estimated_cost_usd": usage.estimated_cost_usd(model),
                "problems": unanswered,
                "problems_by_kind": dg.MetadataValue.json(
                    {"llm.answer_not_json": unanswered} if unanswered else {}
                ),
            }
        )

    return pr_llm_summaries
