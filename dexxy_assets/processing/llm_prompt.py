"""The pull-request summary prompt. ``PROMPT_VERSION`` hashes everything here that shapes an answer, and is
the code version of ``processing/pr_llm_summaries``: changing the prompt re-summarises, nothing else does.

The prompt, and so its ``content_hash`` (a key of ``ops.llm_cache``), must be a pure function of the stored
pull request: labels are sorted here, and the caller passes commits in a total order (time, then sha), never
in whatever order the database or the API happened to return them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

MAX_BODY_CHARS = 4_000
MAX_COMMITS = 30

SYSTEM_PROMPT = (
    "You review GitHub pull requests for an engineering-analytics platform. Answer with one JSON object "
    "only, following the given schema: a two-sentence summary of what the change does, its change_type, "
    "its risk, whether an AI coding tool was used (with the evidence you saw, e.g. a Co-authored-by trailer "
    "or a 'Generated with' footer; never guess from style alone), and the technical areas it touches."
)

SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["summary", "change_type", "risk", "ai_usage", "tech_areas"],
    "properties": {
        "summary": {"type": "string"},
        "change_type": {
            "type": "string",
            "enum": ["feature", "fix", "refactor", "chore", "docs", "test", "dependency", "revert", "hotfix"],
        },
        "risk": {"type": "string", "enum": ["low", "medium", "high"]},
        "ai_usage": {
            "type": "object",
            "additionalProperties": False,
            "required": ["verdict", "evidence"],
            "properties": {
                "verdict": {"type": "boolean"},
                "evidence": {"type": "array", "items": {"type": "string"}},
            },
        },
        "tech_areas": {"type": "array", "items": {"type": "string"}},
    },
}

PROMPT_VERSION = hashlib.sha256(
    json.dumps([SYSTEM_PROMPT, SUMMARY_SCHEMA, MAX_BODY_CHARS, MAX_COMMITS], sort_keys=True).encode()
).hexdigest()[:12]


def build_messages(
    title: str | None,
    body: str | None,
    branch: str | None,
    labels: Sequence[str],
    commit_messages: Sequence[str],
) -> list[dict[str, str]]:
    """The chat messages for one pull request; ``commit_messages`` oldest first, ties broken by sha."""
    commits = "\n".join(f"- {(m or '').strip()[:500]}" for m in list(commit_messages)[:MAX_COMMITS])
    user = (
        f"Title: {title or ''}\nBranch: {branch or ''}\nLabels: {', '.join(sorted(labels))}\n\n"
        f"Description:\n{(body or '')[:MAX_BODY_CHARS]}\n\nCommits:\n{commits}\n\n"
        "Reply in JSON."
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def content_hash(messages: list[dict[str, str]]) -> str:
    """sha256 of the messages as canonical JSON (sorted keys, ASCII escapes): equal prompts, equal hashes."""
    return hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()
