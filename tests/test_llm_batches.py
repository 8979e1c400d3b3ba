"""Groq batches at scale, against the sandbox with Groq's file limits shrunk: a window larger than one batch
file is split into files Groq accepts, and batches submitted by a run that crashed (or stopped waiting) are
collected by the next run instead of being submitted and paid for again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from dexxy_sandbox.groq.api import GroqConfig
from resources.github import GitHubResource
from resources.groq_llm import GROQ_BATCH_MAX_BYTES, GROQ_BATCH_MAX_LINES, GroqLLMResource, split_batch_lines
from resources.warehouse import WarehouseResource
from tests.github_runs import github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

groq = pytest.importorskip("groq")

DAYS = (SANDBOX_UNTIL - dt.timedelta(days=3), SANDBOX_UNTIL - dt.timedelta(days=1))
SOURCES = PULL_REQUEST_ASSETS
SUMMARIES = "key:processing/pr_llm_summaries"
LINES = 2  # the shrunk lines-per-file limit of these tests


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox(engineers=10, days=10) as server:
        yield server


@pytest.fixture
def limited(sandbox) -> Iterator:  # type: ignore[no-untyped-def]
    """The sandbox's Groq, refusing batch files over LINES lines; restored afterwards."""
    sandbox.groq_config = GroqConfig(batch_max_lines=LINES)
    try:
        yield sandbox
    finally:
        sandbox.groq_config = GroqConfig()


def _llm(server, **overrides: object) -> GroqLLMResource:  # type: ignore[no-untyped-def]
    settings = {
        "api_key": server.groq_api_key,
        "base_url": server.groq_base_url,
        "model": "sandbox",
        "batch_threshold": 0,
        "batch_poll_seconds": 0.0,
        "batch_max_lines": LINES,
        **overrides,
    }
    return GroqLLMResource(**settings)  # type: ignore[arg-type]


def _metadata(result) -> dict:  # type: ignore[no-untyped-def]
    for event in result.get_asset_materialization_events():
        if event.asset_key.to_user_string() == "processing/pr_llm_summaries":
            return {k: v.value for k, v in event.materialization.metadata.items()}
    raise AssertionError("no summaries materialization")


def _count(warehouse: WarehouseResource, sql: str) -> int:
    with warehouse.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def _staged_prs(warehouse: WarehouseResource, sandbox) -> int:  # type: ignore[no-untyped-def]
    assert materialize_range(warehouse, github_resource(sandbox), *DAYS, selection=SOURCES).success
    prs = _count(warehouse, "SELECT count(*) FROM staging.github_pull_requests")
    assert prs > 2 * LINES  # enough pull requests for three batch files or more
    return prs


def _staged(warehouse: WarehouseResource, sandbox) -> tuple[int, GitHubResource, int]:  # type: ignore[no-untyped-def]
    """Pull requests staged, the GitHub resource, and how many batches the sandbox already holds."""
    return _staged_prs(warehouse, sandbox), github_resource(sandbox), len(sandbox.groq.batches.batches)


def test_groqs_documented_limits_are_the_defaults() -> None:
    assert (GROQ_BATCH_MAX_LINES, GROQ_BATCH_MAX_BYTES) == (50_000, 200_000_000)
    resource = GroqLLMResource()
    assert (resource.batch_max_lines, resource.batch_max_bytes) == (50_000, 200_000_000)
    assert (GroqConfig().batch_max_lines, GroqConfig().batch_max_bytes) == (50_000, 200_000_000)


def test_lines_are_split_by_count_and_by_bytes() -> None:
    lines = [b"x" * size for size in (10, 10, 10, 30, 5, 5, 5, 5, 5)]
    assert split_batch_lines(lines, max_lines=4, max_bytes=10_000) == [[0, 1, 2, 3], [4, 5, 6, 7], [8]]
    by_bytes = split_batch_lines(lines, max_lines=100, max_bytes=33)  # each line counts its newline
    assert by_bytes == [[0, 1, 2], [3], [4, 5, 6, 7, 8]]
    for chunk in by_bytes:
        assert sum(len(lines[i]) + 1 for i in chunk) <= 33
    assert split_batch_lines([], 4, 100) == []
    with pytest.raises(ValueError, match="batch_max_bytes"):
        split_batch_lines([b"y" * 50], 4, 33)


def test_the_sandbox_refuses_batch_files_over_the_limits(limited) -> None:  # type: ignore[no-untyped-def]
    line = b'{"custom_id": "1", "method": "POST", "url": "/v1/chat/completions", "body": {}}\n'
    with groq.Groq(api_key=limited.groq_api_key, base_url=limited.groq_base_url, max_retries=0) as client:
        accepted = client.files.create(file=("ok.jsonl", io.BytesIO(line * LINES)), purpose="batch")
        assert accepted.bytes == len(line) * LINES
        with pytest.raises(groq.BadRequestError, match="too many lines"):
            client.files.create(file=("big.jsonl", io.BytesIO(line * (LINES + 1))), purpose="batch")
        limited.groq_config = dataclasses.replace(limited.groq_config, batch_max_bytes=len(line) * 2)
        with pytest.raises(groq.BadRequestError, match="too large"):
            client.files.create(file=("big.jsonl", io.BytesIO(line * 3)), purpose="batch")


def test_a_window_larger_than_one_batch_file_is_split(warehouse: WarehouseResource, limited) -> None:  # type: ignore[no-untyped-def]
    prs = _staged_prs(warehouse, limited)
    # One file for the whole window, as before: Groq (here the sandbox) refuses it and nothing is summarised.
    whole = materialize_range(
        warehouse,
        github_resource(limited),
        *DAYS,
        selection=SUMMARIES,
        llm=_llm(limited, batch_max_lines=GROQ_BATCH_MAX_LINES),
    )
    assert not whole.success
    split = materialize_range(
        warehouse, github_resource(limited), *DAYS, selection=SUMMARIES, llm=_llm(limited)
    )
    assert split.success
    metadata = _metadata(split)
    assert metadata["llm_batches"] == math.ceil(prs / LINES)
    assert metadata["dagster/row_count"] == metadata["llm_requests"] == prs
    assert (
        _count(warehouse, "SELECT count(*) FROM ops.llm_batches WHERE status = 'completed'")
        == (metadata["llm_batches"])
    )
    # The byte limit splits as well: files of at most two lines' worth of bytes.
    with warehouse.begin() as conn:
        conn.execute(text("TRUNCATE ops.llm_cache, ops.llm_batches"))
    longest = max(len(line) + 1 for line in _llm(limited).batch_lines(_requests(warehouse), {}))
    limited.groq_config = GroqConfig(batch_max_bytes=2 * longest)
    by_bytes = materialize_range(
        warehouse,
        github_resource(limited),
        *DAYS,
        selection=SUMMARIES,
        llm=_llm(limited, batch_max_lines=GROQ_BATCH_MAX_LINES, batch_max_bytes=2 * longest),
    )
    assert by_bytes.success
    assert _metadata(by_bytes)["llm_batches"] >= math.ceil(prs / 2)
    assert _metadata(by_bytes)["dagster/row_count"] == prs


def _requests(warehouse: WarehouseResource) -> list:
    """This window's summary requests, as the asset builds them (for the size of their batch lines)."""
    from dexxy_assets.processing import llm_prompt
    from resources.groq_llm import JsonRequest

    with warehouse.connect() as conn:
        rows = conn.execute(
            text("SELECT pr_id, title, body, head_ref, labels FROM staging.github_pull_requests")
        ).all()
    return [
        JsonRequest(
            f"{r.pr_id}-0123456789abcdef",
            llm_prompt.build_messages(r.title, r.body, r.head_ref, r.labels or [], []),
        )
        for r in rows
    ]


def test_a_run_that_crashed_while_polling_is_resumed_not_resubmitted(
    warehouse: WarehouseResource, limited
) -> None:  # type: ignore[no-untyped-def]
    prs, github, batches_before = _staged(warehouse, limited)
    limited.groq_config = dataclasses.replace(limited.groq_config, batch_poll_status=503)  # Groq down
    crashed = materialize_range(
        warehouse, github, *DAYS, selection=SUMMARIES, llm=_llm(limited, max_retries=0)
    )
    assert not crashed.success
    submitted = _count(warehouse, "SELECT count(*) FROM ops.llm_batches WHERE finished_at IS NULL")
    assert submitted == math.ceil(prs / LINES) == len(limited.groq.batches.batches) - batches_before
    assert _count(warehouse, "SELECT count(*) FROM ops.llm_cache") == 0

    limited.groq_config = dataclasses.replace(limited.groq_config, batch_poll_status=None)
    resumed = materialize_range(warehouse, github, *DAYS, selection=SUMMARIES, llm=_llm(limited))
    assert resumed.success
    metadata = _metadata(resumed)
    assert metadata["llm_batches_resumed"] == submitted and metadata["llm_batches"] == 0
    assert len(limited.groq.batches.batches) == batches_before + submitted  # nothing submitted again
    assert metadata["dagster/row_count"] == prs
    assert _count(warehouse, "SELECT count(*) FROM ops.llm_batches WHERE status = 'completed'") == submitted

    served = limited.groq.completions_served
    again = _metadata(materialize_range(warehouse, github, *DAYS, selection=SUMMARIES, llm=_llm(limited)))
    assert again["llm_requests"] == again["llm_batches"] == 0 and again["cache_hits"] == prs
    assert limited.groq.completions_served == served


def test_batches_still_running_when_the_wait_ends_are_collected_later(
    warehouse: WarehouseResource, limited
) -> None:  # type: ignore[no-untyped-def]
    prs, github, batches_before = _staged(warehouse, limited)
    limited.groq_config = dataclasses.replace(limited.groq_config, batch_polls_to_complete=3)  # slow batches
    impatient = _llm(limited, batch_max_wait_seconds=0.0)
    first = materialize_range(warehouse, github, *DAYS, selection=SUMMARIES, llm=impatient)
    assert first.success  # no crash: the summaries come later
    metadata = _metadata(first)
    pending = math.ceil(prs / LINES)
    assert metadata["llm_batches_pending"] == metadata["llm_batches"] == pending
    assert metadata["dagster/row_count"] == 0
    assert metadata["problems_by_kind"] == {"llm.answer_missing": prs}

    # Still running at the next run: polled, not submitted again.
    second = _metadata(materialize_range(warehouse, github, *DAYS, selection=SUMMARIES, llm=impatient))
    assert second["llm_batches_resumed"] == second["llm_batches_pending"] == pending
    assert second["llm_batches"] == 0 and len(limited.groq.batches.batches) == batches_before + pending

    # Finished by the third: collected, even by a run below the batch threshold (which would ask one by one).
    chat = limited.request_log.by_template["/groq/openai/v1/chat/completions"]
    third = _metadata(
        materialize_range(
            warehouse, github, *DAYS, selection=SUMMARIES, llm=_llm(limited, batch_threshold=10_000)
        )
    )
    assert third["llm_batches_resumed"] == pending and third["llm_batches"] == 0
    assert third["dagster/row_count"] == prs and third["problems"] == 0
    assert limited.request_log.by_template["/groq/openai/v1/chat/completions"] == chat
    assert len(limited.groq.batches.batches) == batches_before + pending
