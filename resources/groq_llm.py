"""Groq LLM access on the official SDK: structured JSON answers, one at a time on a few threads, or through
the Batch API (JSONL upload, ``batches.create``, polling, output and error files) for large runs.

Large runs are split into as many batch files as Groq's limits require, and every submitted batch is told to
a ``BatchLedger`` before it is waited for, so a run that crashes (or stops waiting) after submitting is
resumed by the next one: it collects those batches instead of paying for them again.

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
from typing import Any, Protocol

import dagster as dg
from pydantic import Field

from resources.environment import env_value

DEFAULT_MODEL = "llama-3.3-70b-versatile"
# Models Groq serves with strict json_schema decoding; others get json_object plus the schema in the prompt.
STRICT_SCHEMA_MODELS = frozenset({"openai/gpt-oss-20b", "openai/gpt-oss-120b", "sandbox"})
# USD per million tokens (input, output), for the estimate in metadata; unknown models count as 0.
PRICES_PER_MILLION = {"llama-3.3-70b-versatile": (0.59, 0.79), "openai/gpt-oss-120b": (0.15, 0.75)}
# Groq's Files API takes batch input files of at most 50,000 lines and 200 MB ("The Files API supports JSONL
# files up to 50,000 lines and 200MB in size", https://console.groq.com/docs/batch, "Batch Size"). 200 MB is
# read as 200,000,000 bytes, the smaller reading; a larger file is refused at upload.
GROQ_BATCH_MAX_LINES = 50_000
GROQ_BATCH_MAX_BYTES = 200_000_000
BATCH_TERMINAL_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})


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
    batches_resumed: int = 0
    batches_pending: int = 0
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

    def metadata(self, model: str) -> dict[str, int | float]:
        """What a run of an LLM asset reports about its Groq use (requests, batches, tokens, cost)."""
        return {
            "llm_requests": self.requests,
            "llm_batches": self.batches,
            "llm_batches_resumed": self.batches_resumed,
            "llm_batches_pending": self.batches_pending,
            "llm_rate_limit_waits": self.budget_waits,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "estimated_cost_usd": self.estimated_cost_usd(model),
        }


@dataclass(frozen=True)
class SubmittedBatch:
    """A batch Groq accepted: its id, its input file and the custom ids of its lines."""

    batch_id: str
    input_file_id: str
    custom_ids: tuple[str, ...]


@dataclass(frozen=True)
class BatchOutcome:
    """What waiting for a batch gave: its last status and the answers of its finished lines."""

    batch_id: str
    status: str
    answers: dict[str, dict[str, Any] | None]

    @property
    def finished(self) -> bool:
        return self.status in BATCH_TERMINAL_STATUSES


class BatchLedger(Protocol):
    """Where submitted batches are remembered across runs (``ops.llm_batches`` for the summaries)."""

    def pending(self) -> list[SubmittedBatch]:
        """Batches submitted earlier whose results were never collected."""
        ...

    def submitted(self, batch: SubmittedBatch) -> None:
        """Called as soon as Groq accepted a batch, before it is waited for: must be durable."""
        ...

    def finished(self, outcome: BatchOutcome) -> None:
        """Called once a batch reached a terminal status, with its answers."""
        ...


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
    batch_max_wait_seconds: float = Field(
        default=86_400.0,
        description="How long a run waits for its batches (Groq's 24h completion window); batches still "
        "running then stay recorded and the next run collects them.",
    )
    batch_max_lines: int = Field(
        default=GROQ_BATCH_MAX_LINES, description="Lines per batch file (Groq's limit: 50,000)."
    )
    batch_max_bytes: int = Field(
        default=GROQ_BATCH_MAX_BYTES, description="Bytes per batch file (Groq's limit: 200 MB)."
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
        self,
        requests: Sequence[JsonRequest],
        schema: dict[str, Any],
        usage: LlmUsage,
        ledger: BatchLedger | None = None,
    ) -> dict[str, dict[str, Any] | None]:
        """Answers by custom_id (None for an answer that was not a JSON object; absent when no answer came).

        With a ``ledger``, unfinished batches recorded earlier that hold any of these requests are collected
        first (and may answer other custom ids too). The rest goes through the Batch API above the threshold,
        as bounded-concurrency calls below it."""
        if not requests:
            return {}
        ledger = ledger or _MemoryLedger()
        client = self.client()
        deadline = time.monotonic() + self.batch_max_wait_seconds  # one wait for all of this run's batches
        answers, running = self._resume(client, requests, ledger, usage, deadline)
        remaining = [r for r in requests if r.custom_id not in answers and r.custom_id not in running]
        if len(remaining) > self.batch_threshold:
            answers.update(self._batch(client, remaining, schema, usage, ledger, deadline))
        elif remaining:
            answers.update(self._ask_each(client, remaining, schema, usage))
        return answers

    def _ask_each(
        self, client: Any, requests: Sequence[JsonRequest], schema: dict[str, Any], usage: LlmUsage
    ) -> dict[str, dict[str, Any] | None]:
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

    def batch_lines(self, requests: Sequence[JsonRequest], schema: dict[str, Any]) -> list[bytes]:
        """One JSONL line (without its newline) per request, as Groq's batch input file wants them."""
        model, response_format = self.resolved_model(), self.response_format(schema)
        return [
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
            ).encode()
            for r in requests
        ]

    def _resume(
        self,
        client: Any,
        requests: Sequence[JsonRequest],
        ledger: BatchLedger,
        usage: LlmUsage,
        deadline: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> tuple[dict[str, dict[str, Any] | None], set[str]]:
        """Collect the recorded batches holding any of these requests: their answers, and the custom ids of
        the ones still running (not to be asked again while Groq works on them)."""
        wanted = {r.custom_id for r in requests}
        answers: dict[str, dict[str, Any] | None] = {}
        running: set[str] = set()
        for batch in ledger.pending():
            if not wanted.intersection(batch.custom_ids):
                continue
            usage.batches_resumed += 1
            collected = self._collect(client, batch, ledger, usage, deadline, sleep)
            if collected is None:
                running.update(batch.custom_ids)
            else:
                answers.update(collected)
        return answers, running

    def _batch(
        self,
        client: Any,
        requests: Sequence[JsonRequest],
        schema: dict[str, Any],
        usage: LlmUsage,
        ledger: BatchLedger,
        deadline: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> dict[str, dict[str, Any] | None]:
        """Submit the requests in files within Groq's limits, each recorded in the ledger as soon as Groq
        accepts it, then collect them (all are submitted before any is waited for: Groq runs them side by
        side)."""
        lines = self.batch_lines(requests, schema)
        submitted = []
        for chunk in split_batch_lines(lines, self.batch_max_lines, self.batch_max_bytes):
            content = b"".join(lines[i] + b"\n" for i in chunk)
            uploaded = client.files.create(file=("dexxy-batch.jsonl", content), purpose="batch")
            created = client.batches.create(
                input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
            )
            batch = SubmittedBatch(created.id, uploaded.id, tuple(requests[i].custom_id for i in chunk))
            ledger.submitted(batch)
            usage.batches += 1
            submitted.append(batch)
        answers: dict[str, dict[str, Any] | None] = {}
        for batch in submitted:
            answers.update(self._collect(client, batch, ledger, usage, deadline, sleep) or {})
        return answers

    def _collect(
        self,
        client: Any,
        batch: SubmittedBatch,
        ledger: BatchLedger,
        usage: LlmUsage,
        deadline: float,
        sleep: Callable[[float], None],
    ) -> dict[str, dict[str, Any] | None] | None:
        """Wait for one batch (until the run's ``deadline``, polled once at least) and read its output and
        error files; None while it still runs. An expired or cancelled batch still has the answers it
        finished; the others are asked again."""
        poll = 1.0
        while True:
            state = client.batches.retrieve(batch.batch_id)
            if state.status in BATCH_TERMINAL_STATUSES or time.monotonic() >= deadline:
                break
            sleep(min(poll, self.batch_poll_seconds, max(0.0, deadline - time.monotonic())))
            poll *= 2  # a small batch finishes in seconds, a large one in minutes: poll soon, then back off
        if state.status not in BATCH_TERMINAL_STATUSES:
            usage.batches_pending += 1  # stays in the ledger: the next run collects it
            return None
        answers: dict[str, dict[str, Any] | None] = {}
        if state.output_file_id:
            for line in client.files.content(state.output_file_id).text().splitlines():
                item = json.loads(line)
                body = (item.get("response") or {}).get("body") or {}
                usage.add(body.get("usage"))
                choices = body.get("choices") or [{}]
                answers[item["custom_id"]] = _json_object((choices[0].get("message") or {}).get("content"))
        if state.error_file_id:
            for line in client.files.content(state.error_file_id).text().splitlines():
                answers.setdefault(json.loads(line).get("custom_id"), None)
        ledger.finished(BatchOutcome(batch.batch_id, state.status, answers))
        return answers


class _MemoryLedger:
    """The ledger of a caller that keeps nothing across runs."""

    def pending(self) -> list[SubmittedBatch]:
        return []

    def submitted(self, batch: SubmittedBatch) -> None:
        return None

    def finished(self, outcome: BatchOutcome) -> None:
        return None


def split_batch_lines(lines: Sequence[bytes], max_lines: int, max_bytes: int) -> list[list[int]]:
    """Indexes of ``lines`` grouped into files of at most ``max_lines`` lines and ``max_bytes`` bytes (each
    line counted with its newline), in order. A single line over ``max_bytes`` cannot be sent at all."""
    if max_lines < 1:
        raise ValueError("batch_max_lines must be at least 1")
    chunks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, line in enumerate(lines):
        length = len(line) + 1
        if length > max_bytes:
            raise ValueError(
                f"one batch line is {length} bytes, more than batch_max_bytes ({max_bytes}): raise the limit"
            )
        if current and (len(current) >= max_lines or size + length > max_bytes):
            chunks.append(current)
            current, size = [], 0
        current.append(index)
        size += length
    if current:
        chunks.append(current)
    return chunks


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
