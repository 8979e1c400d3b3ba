"""The Groq emulator (OpenAI-compatible), mounted at `/groq`: the groq SDK's base_url is `{server}/groq`
and it appends `/openai/v1/...`.

`POST /openai/v1/chat/completions` (answers from `chat`, `model: "sandbox"` whatever is asked), the Files
API (`POST /files` multipart, `GET /files`, `GET|DELETE /files/{id}`, `GET /files/{id}/content`) and the Batch
API (`POST /batches`, `GET /batches[/{id}]`, `POST /batches/{id}/cancel`, see `batches`; input files
over Groq's limits, 50,000 lines or 200 MB, are refused at upload as Groq does). Every call
needs `Authorization: Bearer <key>` (401 `invalid_api_key` otherwise) and gets Groq's `x-ratelimit-*`
headers: requests per day and tokens per minute. A spent budget, or the `rate_limit_every_n` switch, is a
429 `rate_limit_exceeded` with `retry-after`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.parser
import email.policy
import hashlib
import json
import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dexxy_sandbox.faults import FaultConfig, GroqFaults
from dexxy_sandbox.groq import chat
from dexxy_sandbox.groq.batches import GroqBatches, GroqError
from dexxy_sandbox.request_log import RequestLog

Json = dict[str, Any]
DEFAULT_GROQ_MODEL = "llama-3.3-70b-versatile"
SANDBOX_MODEL = "sandbox"
MAX_BODY = 32 << 20
_SERVER_ERRORS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass(frozen=True)
class GroqConfig:
    """Budgets and faults of the Groq emulator (Groq's on-demand tier defaults)."""

    requests_per_day: int = 14_400
    tokens_per_minute: int = 300_000
    rate_limit_every_n: int | None = None  # every n-th request (n, 2n, ...) answers 429, retry-after: 1
    latency_ms: int = 0
    # Groq's Files API: "JSONL files up to 50,000 lines and 200MB in size" (console.groq.com/docs/batch).
    batch_max_lines: int = 50_000
    batch_max_bytes: int = 200_000_000
    batch_poll_status: int | None = None  # GET /batches/{id} answers this (e.g. 503): an outage while polling
    batch_polls_to_complete: int = 2  # a batch completes at this GET of it (a long-running batch: more)

    def __post_init__(self) -> None:
        if self.rate_limit_every_n is not None and self.rate_limit_every_n < 1:
            raise ValueError("rate_limit_every_n must be >= 1")
        if self.batch_max_lines < 1 or self.batch_max_bytes < 1:
            raise ValueError("batch_max_lines and batch_max_bytes must be >= 1")


def _duration(seconds: float) -> str:
    """Groq's reset format: "2m59.56s", "7.66s", "1h2m3s"."""
    seconds = max(0.0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{int(hours)}h" if hours >= 1 else ""
    text += f"{int(minutes)}m" if minutes >= 1 or hours >= 1 else ""
    return text + f"{round(secs, 2):g}s"


class _Budget:
    """A fixed window: `limit` units per `seconds`, starting at the first use."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.used, self.start = 0, 0.0

    def refresh(self, now: float) -> None:
        if now >= self.start + self.seconds:
            self.used, self.start = 0, now

    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def reset_in(self, now: float) -> float:
        return self.start + self.seconds - now


class GroqApi:
    """ASGI app answering the Groq API for the given keys."""

    def __init__(
        self,
        api_keys: Sequence[str] = ("sandbox-groq-key",),
        config: GroqConfig | None = None,
        *,
        seed: int = 7,
        clock: Callable[[], float] = time.time,
        log: RequestLog | None = None,
        faults: Callable[[], FaultConfig] | None = None,
    ) -> None:
        """`faults`: where the server's current `FaultConfig` is read (its `groq_*` rates apply here)."""
        self.api_keys = tuple(api_keys)
        self._fault_source = faults or FaultConfig
        self._groq_faults = GroqFaults(FaultConfig(), seed)
        self.seed = seed
        self.clock = clock
        self.log = log
        self.batches = GroqBatches(seed, clock, self.completion)
        self.completions_served = 0  # chat completions answered, directly or as batch lines
        self._lock = threading.Lock()
        self.configure(config)

    def configure(self, config: GroqConfig | None) -> None:
        """Switch budgets and faults (on a running server too); the counters restart."""
        self.config = config or GroqConfig()
        self.batches.max_lines = self.config.batch_max_lines
        self.batches.max_bytes = self.config.batch_max_bytes
        self.batches.polls_to_complete = self.config.batch_polls_to_complete
        self._requests = _Budget(self.config.requests_per_day, 86_400)
        self._tokens = _Budget(self.config.tokens_per_minute, 60)
        self._count = 0

    # ----- chat completions -----
    def completion(self, body: Any, request_id: str) -> Json:
        """The chat-completion object for a request body (also used by batches)."""
        if not isinstance(body, dict):
            raise GroqError(400, "request body must be a JSON object")
        if not body.get("model"):
            raise GroqError(400, "'model' : property 'model' is missing")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise GroqError(400, "'messages' : minimum number of items is 1")
        if body.get("stream"):
            raise GroqError(400, "the sandbox does not stream: send 'stream': false")
        response_format = body.get("response_format")
        text = chat.message_text(messages)
        if isinstance(response_format, dict):
            kind = response_format.get("type")
            if kind not in ("text", "json_object", "json_schema"):
                raise GroqError(400, "'response_format.type' : value is not one of the allowed values")
            if kind == "json_object" and "json" not in text.lower():
                raise GroqError(
                    400,
                    "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                    "'json_object'.",
                )
            if kind == "json_schema" and not isinstance((response_format.get("json_schema") or {}), dict):
                raise GroqError(400, "'response_format.json_schema' must be an object")
        content = chat.answer(body)
        self.completions_served += 1
        prompt_tokens = chat.count_tokens(text) + 7 * len(messages)
        completion_tokens = chat.count_tokens(content)
        canonical = json.dumps([messages, response_format], sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        return {
            "id": f"chatcmpl-{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}",
            "object": "chat.completion",
            "created": int(self.clock()),
            "model": SANDBOX_MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "queue_time": 0.01,
                "prompt_tokens": prompt_tokens,
                "prompt_time": round(prompt_tokens / 20_000, 4),
                "completion_tokens": completion_tokens,
                "completion_time": round(completion_tokens / 500, 4),
                "total_tokens": prompt_tokens + completion_tokens,
                "total_time": round(prompt_tokens / 20_000 + completion_tokens / 500, 4),
            },
            "system_fingerprint": "fp_sandbox",
            "x_groq": {"id": request_id},
            "service_tier": "on_demand",
        }

    # ----- routing -----
    def _route(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        path = path.rstrip("/")
        store = self.batches
        if not path.startswith("/openai/v1/"):
            raise GroqError(404, "Unknown request URL", code="unknown_url")
        rest = path.removeprefix("/openai/v1")
        if rest == "/chat/completions" and method == "POST":
            return 200, self.completion(_json(body), store.new_id("req"))
        if rest == "/models" and method == "GET":
            return 200, {"object": "list", "data": [_model(DEFAULT_GROQ_MODEL)]}
        if rest == "/files" and method == "POST":
            filename, purpose, content = _multipart(headers.get("content-type", ""), body)
            return 200, store.upload(filename, purpose, content).payload()
        if rest == "/files" and method == "GET":
            return 200, {"object": "list", "data": [f.payload() for f in store.files.values()]}
        if found := re.fullmatch(r"/files/([\w-]+)(/content)?", rest):
            if found[2] and method == "GET":
                return 200, store.file(found[1]).content
            if method == "GET":
                return 200, store.file(found[1]).payload()
            if method == "DELETE":
                return 200, store.delete_file(found[1])
        if rest == "/batches" and method == "POST":
            return 200, store.create_batch(_json(body)).payload()
        if rest == "/batches" and method == "GET":
            return 200, {"object": "list", "data": [b.payload() for b in store.batches.values()]}
        if found := re.fullmatch(r"/batches/([\w-]+)(/cancel)?", rest):
            if found[2] and method == "POST":
                return 200, store.cancel(found[1]).payload()
            if not found[2] and method == "GET":
                if self.config.batch_poll_status is not None:
                    raise GroqError(
                        self.config.batch_poll_status, "Service Unavailable", "internal_server_error"
                    )
                return 200, store.poll(found[1]).payload()
        raise GroqError(404, "Unknown request URL", code="unknown_url")

    def _limit_headers(self, now: float) -> list[tuple[bytes, bytes]]:
        return [
            (b"x-ratelimit-limit-requests", str(self._requests.limit).encode()),
            (b"x-ratelimit-limit-tokens", str(self._tokens.limit).encode()),
            (b"x-ratelimit-remaining-requests", str(self._requests.remaining()).encode()),
            (b"x-ratelimit-remaining-tokens", str(self._tokens.remaining()).encode()),
            (b"x-ratelimit-reset-requests", _duration(self._requests.reset_in(now)).encode()),
            (b"x-ratelimit-reset-tokens", _duration(self._tokens.reset_in(now)).encode()),
        ]

    def _injected(self) -> tuple[GroqError, float] | None:
        """The `groq_429_rate` / `groq_error_rate` fault of this request (switching the server's faults
        restarts the seeded sequence), with its retry-after."""
        config = self._fault_source()
        if config is not self._groq_faults.config:
            self._groq_faults = GroqFaults(config, self.seed)
        status = self._groq_faults.draw()
        if status == 429:
            message = (
                f"Rate limit reached for model `{DEFAULT_GROQ_MODEL}` in organization `org_sandbox` service "
                "tier `on_demand` on requests per minute (RPM): Limit 30, Used 30, Requested 1. Please try "
                "again in 1s. Need more tokens? Visit https://groq.com/self-serve-support/."
            )
            return GroqError(429, message, "requests", "rate_limit_exceeded"), 1.0
        if status is not None:
            message = _SERVER_ERRORS[status]
            return GroqError(status, message, "internal_server_error", "internal_server_error"), 0.0
        return None

    def _rate_limited(self, path: str, body: bytes) -> tuple[GroqError, float] | None:
        """Count the request against the budgets; a 429 and its retry-after when it may not run."""
        now = self.clock()
        self._count += 1
        every = self.config.rate_limit_every_n
        if every is not None and self._count % every == 0:
            message = (
                f"Rate limit reached for model `{DEFAULT_GROQ_MODEL}` in organization `org_sandbox` "
                "service tier `on_demand` on requests per minute (RPM): Limit 30, Used 30, Requested 1. "
                "Please try again in 1s. Need more tokens? Visit https://groq.com/self-serve-support/."
            )
            return GroqError(429, message, "requests", "rate_limit_exceeded"), 1.0
        self._requests.refresh(now)
        self._tokens.refresh(now)
        tokens = chat.count_tokens(body.decode("utf-8", "replace")) if path.endswith("/completions") else 0
        if self._requests.remaining() < 1:
            wait = self._requests.reset_in(now)
            message = f"Rate limit reached on requests per day (RPD): Limit {self._requests.limit}."
            return GroqError(429, message, "requests", "rate_limit_exceeded"), wait
        if tokens and self._tokens.remaining() < tokens:
            wait = self._tokens.reset_in(now)
            message = (
                f"Rate limit reached on tokens per minute (TPM): Limit {self._tokens.limit}, "
                f"Used {self._tokens.used}, Requested {tokens}. Please try again in {_duration(wait)}."
            )
            return GroqError(429, message, "tokens", "rate_limit_exceeded"), wait
        self._requests.used += 1
        self._tokens.used += tokens
        return None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        limit = max(MAX_BODY, self.config.batch_max_bytes + (1 << 20))  # a too-large file gets Groq's 400
        body, refused = b"", None
        try:
            body = await _read_body(receive, limit) if method in ("POST", "PUT", "PATCH") else b""
        except GroqError as error:  # answered (after the key check) instead of dropping the connection
            refused = error
        if self.config.latency_ms:
            await asyncio.sleep(self.config.latency_ms / 1000)
        extra: list[tuple[bytes, bytes]] = []
        fault = "none"
        scheme, _, key = headers.get("authorization", "").partition(" ")
        with self._lock:
            now = self.clock()
            try:
                if scheme.lower() != "bearer" or key.strip() not in self.api_keys:
                    raise GroqError(401, "Invalid API Key", "invalid_request_error", "invalid_api_key")
                if refused is not None:
                    raise refused
                injected = self._injected()
                fault = "groq_fault" if injected is not None else "none"
                limited = injected or self._rate_limited(path, body)
                if limited is not None:
                    error, wait = limited
                    if error.status == 429:
                        extra.append((b"retry-after", str(max(1, math.ceil(wait))).encode()))
                    raise error
                status, payload = self._route(method, path, body, headers)
            except GroqError as error:
                status, payload = error.status, error.body()
            if status != 401:
                extra += self._limit_headers(now)
        if isinstance(payload, bytes):
            content, content_type = payload, b"application/octet-stream"
        else:
            content, content_type = json.dumps(payload, ensure_ascii=False).encode(), b"application/json"
        request_id = self.batches.new_id("req")
        if self.log is not None:
            self.log.record(method, "/groq" + path, "", "/groq" + _template(path), status, fault)
        response_headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(content)).encode()),
            (b"x-request-id", request_id.encode()),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": content})

    def with_config(self, **changes: Any) -> None:
        """Change some settings of the current config (counters restart)."""
        self.configure(dataclasses.replace(self.config, **changes))


def _template(path: str) -> str:
    path = re.sub(r"/files/[\w-]+", "/files/{file_id}", path)
    return re.sub(r"/batches/[\w-]+", "/batches/{batch_id}", path)


def _model(name: str) -> Json:
    return {"id": name, "object": "model", "created": 1733447754, "owned_by": "Meta", "active": True}


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError as error:
        raise GroqError(400, "We could not parse the JSON body of your request.") from error


def _multipart(content_type: str, body: bytes) -> tuple[str, str, bytes]:
    """(filename, purpose, content) of a multipart/form-data upload."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise GroqError(400, "request must be multipart/form-data with 'file' and 'purpose'")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    filename, purpose, content = "", "", None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if name == "purpose":
            purpose = data.decode("utf-8").strip()
        elif name == "file":
            filename, content = part.get_filename() or "upload.jsonl", data
    if content is None:
        raise GroqError(400, "'file' : property 'file' is missing")
    if not purpose:
        raise GroqError(400, "'purpose' : property 'purpose' is missing")
    return filename, purpose, content


async def _read_body(receive: Any, limit: int = MAX_BODY) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise GroqError(413, "request entity too large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
