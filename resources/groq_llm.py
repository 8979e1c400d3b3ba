"""Groq LLM access on the official SDK: structured JSON answers, one at a time on a few threads, or through
the Batch API (JSONL upload, ``batches.create``, polling, output and error files) for large runs.

The SDK retries 429s and 5xx honouring ``Retry-After``; tokens are counted from each answer's ``usage``.
Unset fields fall back to GROQ_API_KEY / GROQ_BASE_URL / GROQ_MODEL when a run starts.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
from pydantic import Field

from resources.environment import env_value

DEFAULT_MODEL = "llama-3.3-70b-versatile"
# Models Groq serves with strict json_schema decoding; others get json_object plus the schema in the prompt.
STRICT_SCHEMA_MODELS = frozenset({"openai/gpt-oss-20b", "openai/gpt-oss-120b", "sandbox"})
# USD per million tokens (input, output), for the estimate in metadata; unknown models count as 0.
PRICES_PER_MILLION = {"llama-3.3-70b-versatile": (0.59, 0.79), "openai/gpt-oss-120b": (0.15, 0.75)}


@dataclass(frozen=True)
class JsonRequest:
    custom_id: str
    messages: list[dict[str, str]]


@dataclass
class LlmUsage:
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    batches: int = 0
    budget_waits: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, usage: Any) -> None:
        """Count one answer's tokens; ``usage`` is the SDK's object or a batch line's dict."""

        def tokens(name: str) -> int:
            value = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)
            return int(value or 0)

        with self._lock:
            self.requests += 1
            self.prompt_tokens += tokens("prompt_tokens")
            self.completion_tokens += tokens("completion_tokens")

    def estimated_cost_usd(self, model: str) -> float:
        price_in, price_out = PRICES_PER_MILLION.get(model, (0.0, 0.0))
        return round((self.prompt_tokens * price_in + self.completion_tokens * price_out) / 1_000_000, 4)


class GroqLLMResource(dg.ConfigurableResource):
    """Groq chat completions. ``is_configured()`` is false without an API key: callers then skip LLM work."""

    api_key: str | None = Field(default=None, description="Unset → GROQ_API_KEY.")
    base_url: str | None = Field(
        default=None, description="Host root (the SDK adds /openai/v1); unset → GROQ_BASE_URL."
    )
    model: str | None = Field(default=None, description=f"Unset → GROQ_MODEL → {DEFAULT_MODEL}.")
    batch_threshold: int = Field(
        default=200, description="More pull requests than this in a run use the Batch API."
    )
    max_concurrency: int = 4
    max_retries: int = 4
    batch_poll_seconds: float = Field(
        default=60.0, description="Longest wait between batch polls (starts at 1 s)."
    )

    def is_configured(self) -> bool:
        return bool(self.api_key or env_value("GROQ_API_KEY"))

    def resolved_model(self) -> str:
        return self.model or env_value("GROQ_MODEL") or DEFAULT_MODEL

    def client(self) -> Any:
        import groq  # imported here: only runs that summarise need it

        return groq.Groq(
            api_key=self.api_key or env_value("GROQ_API_KEY"),
            base_url=self.base_url or env_value("GROQ_BASE_URL"),
            max_retries=self.max_retries,
        )

    def response_format(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.resolved_model() in STRICT_SCHEMA_MODELS:
            return {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema, "strict": True},
            }
        return {"type": "json_object"}

    def complete_json(
        self, requests: Sequence[JsonRequest], schema: dict[str, Any], usage: LlmUsage
    ) -> dict[str, dict[str, Any] | None]:
        """Answers by custom_id (None for an answer that was not a JSON object): the Batch API above the
        threshold, bounded-concurrency calls below it."""
        if not requests:
            return {}
        if len(requests) > self.batch_threshold:
            return self._batch(requests, schema, usage)
        client = self.client()
        model, response_format = self.resolved_model(), self.response_format(schema)

        def one(request: JsonRequest) -> tuple[str, dict[str, Any] | None]:
            raw = client.chat.completions.with_raw_response.create(
                model=model, messages=request.messages, response_format=response_format, temperature=0
            )
            answer = raw.parse()
            usage.add(answer.usage)
            self._respect_budget(raw.headers, usage)
            return request.custom_id, _json_object(answer.choices[0].message.content)

        with ThreadPoolExecutor(max_workers=max(1, self.max_concurrency)) as pool:
            return dict(pool.map(one, requests))

    def _respect_budget(
        self, headers: Any, usage: LlmUsage, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        """Before GitHub-style refusals: when a request or token budget is spent, wait for its reset (the SDK
        handles the 429s and Retry-After that still come)."""
        for budget in ("requests", "tokens"):
            if headers.get(f"x-ratelimit-remaining-{budget}") == "0":
                wait = groq_duration_seconds(headers.get(f"x-ratelimit-reset-{budget}"))
                with usage._lock:
                    usage.budget_waits += 1
                sleep(min(wait, 120.0))

    def _batch(
        self,
        requests: Sequence[JsonRequest],
        schema: dict[str, Any],
        usage: LlmUsage,
        sleep: Callable[[float], None] = time.sleep,
    ) -> dict[str, dict[str, Any] | None]:
        client = self.client()
        model, response_format = self.resolved_model(), self.response_format(schema)
        lines = [
            json.dumps(
                {
                    "custom_id": r.custom_id,
                    "method": "POST",
                    "url": "/v1/chat/completions",
                    "body": {
                        "model": model,
                        "messages": r.messages,
                        "response_format": response_format,
                        "temperature": 0,
                    },
                }
            )
            for r in requests
        ]
        uploaded = client.files.create(file=("dexxy-batch.jsonl", "\n".join(lines).encode()), purpose="batch")
        batch = client.batches.create(
            input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        usage.batches += 1
        poll = 1.0
        while batch.status not in ("completed", "failed", "expired", "cancelled"):
            sleep(min(poll, self.batch_poll_seconds))
            poll *= 2  # a small batch finishes in seconds, a large one in minutes: poll soon, then back off
            batch = client.batches.retrieve(batch.id)
        if batch.status != "completed":
            raise RuntimeError(f"Groq batch {batch.id} ended {batch.status}: re-run the partitions to retry")
        answers: dict[str, dict[str, Any] | None] = {}
        if batch.output_file_id:
            for line in client.files.content(batch.output_file_id).text().splitlines():
                item = json.loads(line)
                body = (item.get("response") or {}).get("body") or {}
                usage.add(body.get("usage"))
                choices = body.get("choices") or [{}]
                answers[item["custom_id"]] = _json_object((choices[0].get("message") or {}).get("content"))
        if batch.error_file_id:
            for line in client.files.content(batch.error_file_id).text().splitlines():
                answers.setdefault(json.loads(line).get("custom_id"), None)
        return answers


def groq_duration_seconds(value: str | None) -> float:
    """Groq's reset durations: ``"2m59.56s"``, ``"7.66s"``, ``"120ms"``."""
    if not value:
        return 0.0
    total = 0.0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", value):
        total += float(amount) * {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[unit]
    return total


def _json_object(content: Any) -> dict[str, Any] | None:
    try:
        value = json.loads(content) if isinstance(content, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
