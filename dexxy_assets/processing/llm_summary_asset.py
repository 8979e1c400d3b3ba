"""``processing/pr_llm_summaries``: a Groq-written summary, change type, risk, AI verdict with evidence and
technical areas per pull request, cached by (PR, content hash, prompt version, model).

A re-run over stored data asks Groq nothing: the prompt is a pure function of the stored pull request (see
``llm_prompt``), and each summary row is built from the cache (``summarized_at`` is when its answer was paid
for), so re-running gives the same table. Large runs go through Groq batches recorded in ``ops.llm_batches``
(``llm_batch_ledger``): a run after a crash collects them instead of submitting them again.

Without GROQ_API_KEY the asset materializes nothing new and says so (the rest of the graph runs, earlier
summaries stay)."""

import datetime as dt

import dagster as dg
from sqlalchemy import text

from dexxy_assets.automation import nightly
from dexxy_assets.github.pull_request_staged_asset import PULL_REQUESTS_STAGED_KEY
from dexxy_assets.partitions import partition_dates
from dexxy_assets.processing import llm_prompt
from dexxy_assets.processing.llm_batch_ledger import WarehouseBatchLedger, cache_answers, custom_id
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import upsert
from resources.groq_llm import GroqLLMResource, JsonRequest, LlmUsage
from resources.warehouse import WarehouseResource

PR_LLM_SUMMARIES_KEY = dg.AssetKey(["processing", "pr_llm_summaries"])

# Commits in a total order (committer time, then sha): rebased commits share a timestamp, and ties left to the
# database come back in whatever order it stores them, which changes the prompt and misses the cache.
_PULL_REQUESTS = text(
    "SELECT p.pr_id, p.title, p.body, p.head_ref, p.labels, p.partition_date, "
    "coalesce(array_agg(c.message ORDER BY c.committed_at, c.sha) FILTER (WHERE c.sha IS NOT NULL), '{}') "
    "AS messages "
    "FROM staging.github_pull_requests p LEFT JOIN staging.github_pr_commits c ON c.pr_id = p.pr_id "
    "WHERE p.partition_date = ANY(:days) GROUP BY p.pr_id ORDER BY p.pr_id"
)
_CACHED = text(
    "SELECT pr_id, content_hash, answer, created_at FROM ops.llm_cache "
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
        metadata=publishes("processing.pr_llm_summaries"),
        description="LLM summaries of pull requests (Groq): summary, change type, risk, AI-usage verdict "
        "with evidence, technical areas. Cached so nothing is paid for twice; skipped without GROQ_API_KEY.",
        group_name="processing",
        owners=["team:data-platform"],
        kinds={"python", "postgres"},
        deps=[PULL_REQUESTS_STAGED_KEY],
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
        version = llm_prompt.PROMPT_VERSION
        usage = LlmUsage()
        with warehouse.connect() as conn:
            prs = [dict(r._mapping) for r in conn.execute(_PULL_REQUESTS, {"days": days})]
        messages = {
            p["pr_id"]: llm_prompt.build_messages(
                p["title"], p["body"], p["head_ref"], p["labels"] or [], p["messages"]
            )
            for p in prs
        }
        hashes = {pr_id: llm_prompt.content_hash(m) for pr_id, m in messages.items()}
        customs = {custom_id(pr_id, digest): pr_id for pr_id, digest in hashes.items()}
        custom_hashes = {custom: hashes[pr_id] for custom, pr_id in customs.items()}
        cached = _cached_answers(warehouse, hashes, model)
        to_ask = [
            JsonRequest(custom, messages[pr_id])
            for custom, pr_id in sorted(customs.items(), key=lambda item: item[1])
            if pr_id not in cached
        ]
        ledger = WarehouseBatchLedger(warehouse, model, version, custom_hashes)
        answers = llm.complete_json(to_ask, llm_prompt.SUMMARY_SCHEMA, usage, ledger)
        fresh = {r.custom_id: answers[r.custom_id] for r in to_ask if r.custom_id in answers}
        with warehouse.begin() as conn:
            cache_answers(conn, fresh, custom_hashes, model, version)
        cached = _cached_answers(warehouse, hashes, model)
        rows = [
            summary_row(pr, cached[pr["pr_id"]][0], model, cached[pr["pr_id"]][1])
            for pr in prs
            if pr["pr_id"] in cached
        ]
        with warehouse.begin() as conn:
            conn.execute(_CLEAR, {"days": days})
            if rows:
                upsert(conn, "processing.pr_llm_summaries", list(rows[0]), rows, ["pr_id"])
        not_json = sum(1 for custom in fresh if fresh[custom] is None)
        missing = len(to_ask) - len(fresh)
        problems = {
            kind: count
            for kind, count in (("llm.answer_not_json", not_json), ("llm.answer_missing", missing))
            if count
        }
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": len(rows),
                "model": model,
                "prompt_version": version,
                "cache_hits": len(prs) - len(to_ask),
                **usage.metadata(model),
                "problems": sum(problems.values()),
                "problems_by_kind": dg.MetadataValue.json(problems),
            }
        )

    return pr_llm_summaries


def _cached_answers(
    warehouse: WarehouseResource, hashes: dict[int, str], model: str
) -> dict[int, tuple[dict, dt.datetime]]:
    """pr_id -> (answer, when it was paid for) for the pull requests whose current content is cached."""
    with warehouse.connect() as conn:
        found = conn.execute(
            _CACHED, {"ids": list(hashes), "version": llm_prompt.PROMPT_VERSION, "model": model}
        )
        return {r.pr_id: (r.answer, r.created_at) for r in found if hashes.get(r.pr_id) == r.content_hash}
