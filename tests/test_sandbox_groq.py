"""The sandbox's Groq emulator, driven by the official `groq` SDK over real HTTP."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator

import httpx
import pytest

from dexxy_sandbox.groq.api import GroqConfig
from dexxy_sandbox.server import SandboxServer

groq = pytest.importorskip("groq")

PR_SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "change_type": {
            "type": "string",
            "enum": ["feature", "fix", "refactor", "dependency", "revert", "other"],
        },
        "risk": {"type": "string", "enum": ["low", "medium", "high"]},
        "ai_usage": {
            "type": "object",
            "properties": {
                "verdict": {"type": "boolean"},
                "tools": {"type": "array", "items": {"type": "string"}},
                "evidence": {"type": "array", "items": {"type": "string"}},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            },
            "required": ["verdict", "evidence", "confidence"],
            "additionalProperties": False,
        },
        "tech_areas": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "files_changed": {"type": "integer", "minimum": 1, "maximum": 50},
    },
    "required": ["summary", "change_type", "risk", "ai_usage", "tech_areas", "files_changed"],
    "additionalProperties": False,
}
AI_PR = (
    "Summarise this pull request.\nTitle: Fix retry loop in payments API handler\n"
    "Commits:\n- fix: stop retrying on 4xx\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
    "Files: services/payments/api.py, tests/test_api.py"
)
HUMAN_PR = "Summarise this pull request.\nTitle: Bump requests from 2.31.0 to 2.32.3\nFiles: requirements.txt"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, engineers=4, repos=1, days=14, until=dt.date(2026, 1, 31)) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[groq.Groq]:
    server.groq_config = None
    with groq.Groq(api_key=server.groq_api_key, base_url=server.groq_base_url, max_retries=2) as sdk:
        yield sdk


def schema_format() -> dict[str, object]:
    return {"type": "json_schema", "json_schema": {"name": "pr_summary", "schema": PR_SCHEMA, "strict": True}}


def test_json_schema_answers_follow_the_schema_and_the_prompt(client: groq.Groq) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    answer = client.chat.completions.create(
        model="llama-3.3-70b-versatile",
        messages=[{"role": "system", "content": "You label PRs."}, {"role": "user", "content": AI_PR}],
        response_format=schema_format(),  # type: ignore[arg-type]
    )
    assert answer.model == "sandbox" and answer.choices[0].finish_reason == "stop"
    summary = json.loads(answer.choices[0].message.content or "")
    jsonschema.validate(summary, PR_SCHEMA)
    assert summary["ai_usage"]["verdict"] is True and summary["change_type"] == "fix"
    assert any("Claude" in line for line in summary["ai_usage"]["evidence"])
    assert "backend" in summary["tech_areas"] and summary["risk"] == "high"  # payments
    usage = answer.usage
    assert usage is not None and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.prompt_tokens >= len(AI_PR) // 4
    human = client.chat.completions.create(
        model="llama-3.3-70b-versatile",
        messages=[{"role": "user", "content": HUMAN_PR}],
        response_format=schema_format(),  # type: ignore[arg-type]
    )
    labelled = json.loads(human.choices[0].message.content or "")
    jsonschema.validate(labelled, PR_SCHEMA)
    assert labelled["ai_usage"]["verdict"] is False and labelled["change_type"] == "dependency"
    assert labelled["risk"] == "low"


def test_json_object_text_and_determinism(client: groq.Groq, server: SandboxServer) -> None:
    messages = [{"role": "user", "content": AI_PR + "\nAnswer in JSON."}]
    first = client.chat.completions.create(
        model="llama-3.3-70b-versatile", messages=messages, response_format={"type": "json_object"}
    )
    second = client.chat.completions.create(
        model="llama-3.3-70b-versatile", messages=messages, response_format={"type": "json_object"}
    )
    assert first.choices[0].message.content == second.choices[0].message.content and first.id == second.id
    body = json.loads(first.choices[0].message.content or "")
    assert body["ai_usage"]["verdict"] is True and body["ai_usage"]["tools"] == ["claude"]
    text = client.chat.completions.create(model="x", messages=[{"role": "user", "content": "Hello there"}])
    assert text.choices[0].message.content and not text.choices[0].message.content.startswith("{")
    with pytest.raises(groq.BadRequestError, match="json"):  # Groq wants the word JSON with json_object
        client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], response_format={"type": "json_object"}
        )
    raw = client.chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "headers?"}]
    )
    for name in ("requests", "tokens"):
        for kind in ("limit", "remaining", "reset"):
            assert raw.headers[f"x-ratelimit-{kind}-{name}"]
    assert int(raw.headers["x-ratelimit-remaining-requests"]) < int(raw.headers["x-ratelimit-limit-requests"])
    with groq.Groq(api_key="wrong", base_url=server.groq_base_url, max_retries=0) as bad:
        with pytest.raises(groq.AuthenticationError) as denied:
            bad.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert denied.value.response.json()["error"]["code"] == "invalid_api_key"


def test_a_429_is_retried_by_the_sdk(client: groq.Groq, server: SandboxServer) -> None:
    server.groq_config = GroqConfig(rate_limit_every_n=2)
    before = server.request_log.too_many_requests
    messages = [{"role": "user", "content": "first"}]
    client.chat.completions.create(model="m", messages=messages)  # request 1: fine
    answer = client.chat.completions.create(model="m", messages=messages)  # request 2: 429, then 3: fine
    assert answer.choices[0].message.content
    assert server.request_log.too_many_requests == before + 1
    with groq.Groq(api_key=server.groq_api_key, base_url=server.groq_base_url, max_retries=0) as strict:
        with pytest.raises(groq.RateLimitError) as limited:  # request 4: 429, no retry
            strict.chat.completions.create(model="m", messages=messages)
    assert limited.value.response.headers["retry-after"] == "1"
    server.groq_config = None


def test_files_and_batches_end_to_end(client: groq.Groq, server: SandboxServer) -> None:
    def line(custom_id: str, content: str) -> str:
        body = {"model": "llama-3.3-70b-versatile", "messages": [{"role": "user", "content": content}]}
        return json.dumps(
            {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}
        )

    jsonl = "\n".join([line("pr-1", AI_PR), "{not json", line("pr-2", HUMAN_PR), '{"custom_id": "pr-3"}'])
    uploaded = client.files.create(file=("requests.jsonl", io.BytesIO(jsonl.encode())), purpose="batch")
    assert uploaded.id and uploaded.bytes == len(jsonl.encode()) and uploaded.purpose == "batch"
    assert client.files.info(uploaded.id).filename == "requests.jsonl"
    assert client.files.content(uploaded.id).read() == jsonl.encode()
    batch = client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert batch.status == "validating"
    statuses = []
    for _ in range(5):
        batch = client.batches.retrieve(batch.id)
        statuses.append(batch.status)
        if batch.status == "completed":
            break
    assert statuses == ["in_progress", "completed"]
    counts = batch.request_counts
    assert counts is not None and (counts.total, counts.completed, counts.failed) == (4, 2, 2)
    assert batch.output_file_id and batch.error_file_id
    outputs = [json.loads(x) for x in client.files.content(batch.output_file_id).read().splitlines()]
    assert [o["custom_id"] for o in outputs] == ["pr-1", "pr-2"]
    assert all(o["response"]["status_code"] == 200 for o in outputs)
    assert outputs[0]["response"]["body"]["model"] == "sandbox"
    assert outputs[0]["response"]["body"]["choices"][0]["message"]["content"]
    errors = [json.loads(x) for x in client.files.content(batch.error_file_id).read().splitlines()]
    assert [(e["custom_id"], e["error"]["line"]) for e in errors] == [(None, 2), ("pr-3", 4)]
    assert all(e["error"]["code"] and e["error"]["message"] for e in errors)
    with pytest.raises(groq.BadRequestError):
        client.batches.create(
            input_file_id="file_missing", endpoint="/v1/chat/completions", completion_window="24h"
        )
    with pytest.raises(groq.NotFoundError):
        client.batches.retrieve("batch_missing")
    plain = httpx.get(f"{server.groq_base_url}/openai/v1/files/{uploaded.id}")
    assert plain.status_code == 401 and plain.json()["error"]["code"] == "invalid_api_key"
