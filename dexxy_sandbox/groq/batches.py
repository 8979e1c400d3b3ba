"""Groq's Files and Batch APIs (OpenAI's shapes): uploaded JSONL, batches that advance as they are polled.

A batch is `validating` when created, `in_progress` at its first GET and `completed` at its second (or at
the `polls_to_complete`-th; then stays so): that is when the input is run. Each valid line (`{"custom_id",
"method": "POST", "url": "/v1/chat/completions", "body": {...}}`) becomes an output line `{"id", "custom_id",
"response": {"status_code": 200, "request_id", "body": <chat completion>}, "error": null}`; a malformed one an
error-file line `{"id", "custom_id", "response": null, "error": {"code", "message", "line"}}`.
`request_counts` count both. Ids are deterministic from the server's seed and the order of creation.

Uploads over Groq's limits ("The Files API supports JSONL files up to 50,000 lines and 200MB in size",
console.groq.com/docs/batch) are refused with a 400, as Groq does; the limits are `max_lines` / `max_bytes`
(`GroqConfig.batch_max_lines` / `batch_max_bytes`, shrunk by tests).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
BATCH_ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOWS = ("24h", "48h", "72h", "7d")
_WINDOW_SECONDS = {"24h": 86_400, "48h": 172_800, "72h": 259_200, "7d": 604_800}
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case, like Groq's ids


class GroqError(Exception):
    """An error answered in OpenAI's shape: {"error": {"message", "type", "code"}}."""

    def __init__(
        self, status: int, message: str, type_: str = "invalid_request_error", code: str | None = None
    ):
        super().__init__(message)
        self.status, self.message, self.type, self.code = status, message, type_, code

    def body(self) -> Json:
        error: Json = {"message": self.message, "type": self.type}
        if self.code:
            error["code"] = self.code
        return {"error": error}


@dataclass
class StoredFile:
    id: str
    filename: str
    purpose: str
    content: bytes
    created_at: int

    def payload(self) -> Json:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.content),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
        }


@dataclass
class Batch:
    id: str
    input_file_id: str
    endpoint: str
    completion_window: str
    created_at: int
    metadata: Json | None
    status: str = "validating"
    polls: int = 0
    times: dict[str, int | None] = field(default_factory=dict)
    output_file_id: str | None = None
    error_file_id: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: {"total": 0, "completed": 0, "failed": 0})

    def payload(self) -> Json:
        stamps = ("in_progress_at", "finalizing_at", "completed_at", "failed_at", "expired_at")
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "errors": None,
            "input_file_id": self.input_file_id,
            "completion_window": self.completion_window,
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "created_at": self.created_at,
            **{name: self.times.get(name) for name in stamps},
            "expires_at": self.created_at + _WINDOW_SECONDS[self.completion_window],
            "cancelling_at": self.times.get("cancelling_at"),
            "cancelled_at": self.times.get("cancelled_at"),
            "request_counts": dict(self.counts),
            "metadata": self.metadata,
        }


class GroqBatches:
    """Files and batches of one sandbox; `complete(body, request_id)` answers one chat-completion body."""

    def __init__(self, seed: int, clock: Callable[[], float], complete: Callable[[Json, str], Json]) -> None:
        self.seed = seed
        self.clock = clock
        self.complete = complete
        self.max_lines = 50_000
        self.polls_to_complete = 2
        self.max_bytes = 200_000_000
        self.files: dict[str, StoredFile] = {}
        self.batches: dict[str, Batch] = {}
        self._issued = 0
        self._lock = threading.Lock()

    def new_id(self, prefix: str) -> str:
        with self._lock:
            self._issued += 1
            number = int.from_bytes(
                hashlib.blake2b(f"{self.seed}/{prefix}/{self._issued}".encode(), digest_size=16).digest(),
                "big",
            )
        chars = []
        for _ in range(26):
            number, rest = divmod(number, 32)
            chars.append(_ALPHABET[rest])
        return f"{prefix}_{''.join(chars)}"

    # ----- files -----
    def upload(self, filename: str, purpose: str, content: bytes) -> StoredFile:
        if purpose != "batch":
            raise GroqError(
                400, f"invalid purpose '{purpose}': only 'batch' is supported", code="invalid_purpose"
            )
        if not filename.lower().endswith(".jsonl"):
            raise GroqError(400, "file must have a .jsonl extension", code="invalid_file")
        if len(content) > self.max_bytes:
            raise GroqError(
                400,
                f"file is too large: {len(content)} bytes, the maximum is {self.max_bytes} bytes",
                code="file_too_large",
            )
        lines = len(_lines(content))
        if lines > self.max_lines:
            raise GroqError(
                400,
                f"file has too many lines: {lines}, the maximum is {self.max_lines} lines",
                code="too_many_lines",
            )
        stored = StoredFile(self.new_id("file"), filename, purpose, content, int(self.clock()))
        self.files[stored.id] = stored
        return stored

    def file(self, file_id: str) -> StoredFile:
        found = self.files.get(file_id)
        if found is None:
            raise GroqError(404, f"file {file_id} not found", code="not_found")
        return found

    def delete_file(self, file_id: str) -> Json:
        self.file(file_id)
        del self.files[file_id]
        return {"id": file_id, "object": "file", "deleted": True}

    # ----- batches -----
    def create_batch(self, body: Any) -> Batch:
        if not isinstance(body, dict):
            raise GroqError(400, "request body must be a JSON object")
        file_id = body.get("input_file_id")
        if not isinstance(file_id, str) or file_id not in self.files:
            raise GroqError(400, f"input file {file_id} not found", code="invalid_input_file")
        if body.get("endpoint") != BATCH_ENDPOINT:
            raise GroqError(400, f"endpoint must be '{BATCH_ENDPOINT}'", code="invalid_endpoint")
        window = body.get("completion_window")
        if window not in COMPLETION_WINDOWS:
            allowed = ", ".join(COMPLETION_WINDOWS)
            raise GroqError(
                400, f"completion_window must be one of {allowed}", code="invalid_completion_window"
            )
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
        batch = Batch(self.new_id("batch"), file_id, BATCH_ENDPOINT, window, int(self.clock()), metadata)
        self.batches[batch.id] = batch
        return batch

    def batch(self, batch_id: str) -> Batch:
        found = self.batches.get(batch_id)
        if found is None:
            raise GroqError(404, f"batch {batch_id} not found", code="not_found")
        return found

    def poll(self, batch_id: str) -> Batch:
        """GET /batches/{id}: validating -> in_progress (1st GET) -> completed (at GET `polls_to_complete`,
        the 2nd by default)."""
        batch = self.batch(batch_id)
        now = int(self.clock())
        batch.polls += 1
        if batch.status == "validating":
            batch.status = "in_progress"
            batch.times["in_progress_at"] = now
            batch.counts["total"] = len(_lines(self.files[batch.input_file_id].content))
        elif batch.status == "in_progress" and batch.polls >= self.polls_to_complete:
            self._run(batch)
            batch.times["finalizing_at"] = now
            batch.times["completed_at"] = now
            batch.status = "completed"
        elif batch.status == "cancelling":
            batch.status = "cancelled"
            batch.times["cancelled_at"] = now
        return batch

    def cancel(self, batch_id: str) -> Batch:
        batch = self.batch(batch_id)
        if batch.status in ("validating", "in_progress"):
            batch.status = "cancelling"
            batch.times["cancelling_at"] = int(self.clock())
        return batch

    def _run(self, batch: Batch) -> None:
        outputs: list[Json] = []
        errors: list[Json] = []
        for number, raw in _lines(self.files[batch.input_file_id].content):
            request_id = self.new_id("req")
            try:
                item = json.loads(raw)
            except ValueError:
                item = None
            custom_id = item.get("custom_id") if isinstance(item, dict) else None
            line_id = self.new_id("batch_req")
            problem = _problem(item)
            if problem is None:
                try:
                    completion = self.complete(item["body"], request_id)
                except GroqError as error:
                    problem = (error.code or "invalid_request", error.message)
                else:
                    response = {"status_code": 200, "request_id": request_id, "body": completion}
                    outputs.append(
                        {"id": line_id, "custom_id": custom_id, "response": response, "error": None}
                    )
                    continue
            code, message = problem
            error = {"code": code, "message": message, "line": number}
            errors.append({"id": line_id, "custom_id": custom_id, "response": None, "error": error})
        stem = batch.id.removeprefix("batch_")
        if outputs:
            batch.output_file_id = self._result_file(f"batch_{stem}_output.jsonl", outputs).id
        if errors:
            batch.error_file_id = self._result_file(f"batch_{stem}_error.jsonl", errors).id
        batch.counts = {"total": len(outputs) + len(errors), "completed": len(outputs), "failed": len(errors)}

    def _result_file(self, filename: str, lines: list[Json]) -> StoredFile:
        content = b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)
        stored = StoredFile(self.new_id("file"), filename, "batch_output", content, int(self.clock()))
        self.files[stored.id] = stored
        return stored


def _lines(content: bytes) -> list[tuple[int, str]]:
    """(1-based line number, text) of the non-blank lines."""
    text = content.decode("utf-8", errors="replace")
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _problem(item: Any) -> tuple[str, str] | None:
    """Why a batch input line cannot run, or None."""
    if not isinstance(item, dict):
        return "invalid_json_line", "line is not a valid JSON object"
    if not isinstance(item.get("custom_id"), str) or not item["custom_id"]:
        return "missing_required_parameter", "line is missing 'custom_id'"
    if item.get("method") != "POST":
        return "invalid_method", "'method' must be 'POST'"
    if item.get("url") != BATCH_ENDPOINT:
        return "invalid_url", f"'url' must be '{BATCH_ENDPOINT}'"
    body = item.get("body")
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body.get("messages"):
        return "invalid_body", "'body.messages' must be a non-empty array"
    if not body.get("model"):
        return "missing_required_parameter", "'body.model' is required"
    return None
