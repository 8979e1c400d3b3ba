"""The weekly-insights prompt. ``PROMPT_VERSION`` hashes everything here that shapes an answer and is the code
version of ``processing/weekly_insights``: changing the prompt re-runs the asset as a backfill (the stale
code-version sensor sees it), and the cache (``ops.llm_insight_cache``) is keyed by it.

The user message is the team's figures as canonical JSON (sorted keys), so the same figures always give the
same ``input_hash`` and the cache answers instead of Groq."""

from __future__ import annotations

import hashlib
import json
from typing import Any

SYSTEM_PROMPT = (
    "You are an engineering-analytics assistant writing a weekly note for an engineering manager about one "
    "team. You get the team's figures for one week (Monday to Sunday, UTC) as JSON: pull request flow and "
    "cycle-time breakdown (hours; medians and p75), reviews, AI-assisted share, Copilot use, Jira work and "
    "the share of pull requests linked to a Jira issue, DORA metrics with their bands, the sprints the "
    "team's people worked in, and the same figures for the previous week. Answer with one JSON object only, "
    "following the given schema: a headline of at most 15 words; two to four observations, each citing a "
    "figure from the input (never invent one; a null figure means there was nothing to measure); and one "
    "suggested focus for the coming week. Be factual and neutral; no praise, no blame of individuals."
)

INSIGHT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["headline", "observations", "suggested_focus"],
    "properties": {
        "headline": {"type": "string"},
        # 2-4 items is asked in the prompt and checked in valid_answer: minItems / maxItems are not in every
        # provider's strict-mode subset of JSON Schema, and a refused schema would fail every request
        "observations": {"type": "array", "items": {"type": "string"}},
        "suggested_focus": {"type": "string"},
    },
}

PROMPT_VERSION = (
    "insights-"
    + hashlib.sha256(json.dumps([SYSTEM_PROMPT, INSIGHT_SCHEMA], sort_keys=True).encode()).hexdigest()[:12]
)


def build_messages(inputs: dict[str, Any]) -> list[dict[str, str]]:
    """The chat messages for one team and week; ``inputs`` is JSON-ready (numbers, strings, lists)."""
    figures = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    user = f"Weekly team figures:\n{figures}\n\nReply in JSON."
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def input_hash(messages: list[dict[str, str]]) -> str:
    """sha256 of the messages as canonical JSON: equal figures, equal hashes."""
    return hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()


def valid_answer(answer: dict[str, Any] | None) -> dict[str, Any] | None:
    """The answer when it has the schema's shape (a model in json_object mode may drift), else None; at
    most four non-empty observations are kept."""
    if not isinstance(answer, dict):
        return None
    headline, focus = answer.get("headline"), answer.get("suggested_focus")
    raw = answer.get("observations")
    observations = (
        [o.strip() for o in raw if isinstance(o, str) and o.strip()] if isinstance(raw, list) else []
    )
    if not (isinstance(headline, str) and headline.strip() and isinstance(focus, str) and focus.strip()):
        return None
    if len(observations) < 2:
        return None
    return {"headline": headline.strip(), "observations": observations[:4], "suggested_focus": focus.strip()}
