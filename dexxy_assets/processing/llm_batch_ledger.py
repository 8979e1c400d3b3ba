"""``ops.llm_batches``: the Groq batches the summaries submitted, so none is paid for twice.

A batch is recorded (committed) the moment Groq accepts it. When it finishes, its answers go into
``ops.llm_cache`` under the content hash each line was asked with, in the same transaction that marks it
finished: a crash at any point leaves either a batch to collect or answers in the cache, never a lost batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import text

from resources.bulk_load import Jsonb, upsert
from resources.groq_llm import BatchOutcome, SubmittedBatch
from resources.warehouse import WarehouseResource

_PENDING = text(
    "SELECT batch_id, input_file_id, requests FROM ops.llm_batches "
    "WHERE finished_at IS NULL AND model = :model AND prompt_version = :version "
    "ORDER BY submitted_at, batch_id"
)
_RECORD = text(
    "INSERT INTO ops.llm_batches (batch_id, input_file_id, model, prompt_version, requests, request_count) "
    "VALUES (:batch_id, :file_id, :model, :version, CAST(:requests AS jsonb), :count) "
    "ON CONFLICT (batch_id) DO NOTHING"
)
_REQUESTS = text("SELECT requests FROM ops.llm_batches WHERE batch_id = :batch_id")
_CACHE_KEY = ["pr_id", "content_hash", "prompt_version", "model"]
_FINISH = text(
    "UPDATE ops.llm_batches SET status = :status, answered = :answered, finished_at = now() "
    "WHERE batch_id = :batch_id"
)


def custom_id(pr_id: int, content_hash: str) -> str:
    """A batch line's id: the pull request and its content, so an answer to an older text never passes
    for an answer to the current one."""
    return f"{pr_id}-{content_hash[:16]}"


def pr_id_of(custom: str) -> int:
    return int(custom.split("-", 1)[0])


def cache_answers(
    conn: Any,
    answers: Mapping[str, dict[str, Any] | None],
    hashes: Mapping[str, str],
    model: str,
    version: str,
) -> int:
    """Upsert the JSON answers (not the failed ones) into ``ops.llm_cache``; ``created_at`` keeps the time
    the answer was first paid for."""
    rows = [
        {
            "pr_id": pr_id_of(custom),
            "content_hash": hashes[custom],
            "prompt_version": version,
            "model": model,
            "answer": Jsonb(answer),
        }
        for custom, answer in sorted(answers.items())
        if answer is not None and custom in hashes
    ]
    if rows:
        upsert(
            conn, "ops.llm_cache", list(rows[0]), rows, ["pr_id", "content_hash", "prompt_version", "model"]
        )
    return len(rows)


CacheWriter = Callable[[Any, Mapping[str, dict[str, Any] | None], Mapping[str, str], str, str], int]


class WarehouseBatchLedger:
    """The ``BatchLedger`` of an LLM asset, for one model and prompt version; ``cache`` stores a finished
    batch's answers (``ops.llm_cache`` for the pull-request summaries, the default)."""

    def __init__(
        self,
        warehouse: WarehouseResource,
        model: str,
        version: str,
        hashes: Mapping[str, str],
        cache: CacheWriter = cache_answers,
    ):
        self.warehouse = warehouse
        self.model = model
        self.version = version
        self.hashes = hashes  # custom_id -> content hash of this run's requests
        self.cache = cache

    def pending(self) -> list[SubmittedBatch]:
        with self.warehouse.connect() as conn:
            rows = conn.execute(_PENDING, {"model": self.model, "version": self.version}).all()
        return [SubmittedBatch(r.batch_id, r.input_file_id, tuple(sorted(r.requests))) for r in rows]

    def submitted(self, batch: SubmittedBatch) -> None:
        requests = {custom: self.hashes[custom] for custom in batch.custom_ids}
        with self.warehouse.begin() as conn:
            conn.execute(
                _RECORD,
                {
                    "batch_id": batch.batch_id,
                    "file_id": batch.input_file_id,
                    "model": self.model,
                    "version": self.version,
                    "requests": json.dumps(requests, sort_keys=True),
                    "count": len(requests),
                },
            )

    def finished(self, outcome: BatchOutcome) -> None:
        with self.warehouse.begin() as conn:
            recorded = conn.execute(_REQUESTS, {"batch_id": outcome.batch_id}).scalar_one_or_none() or {}
            self.cache(conn, outcome.answers, recorded, self.model, self.version)
            conn.execute(
                _FINISH,
                {"batch_id": outcome.batch_id, "status": outcome.status, "answered": len(outcome.answers)},
            )
