"""LLM summaries through the official groq SDK against the sandbox: structured answers, a 429 then
success, the cache (a re-run makes no request, even when commits share a timestamp), the Batch API, and the
skip without a key."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from dexxy_assets.processing import llm_prompt
from dexxy_sandbox.groq.api import GroqConfig
from resources.groq_llm import GroqLLMResource, JsonRequest, LlmUsage
from resources.warehouse import WarehouseResource
from tests.github_runs import github_resource, materialize_range, table_rows
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

DAYS = (SANDBOX_UNTIL - dt.timedelta(days=3), SANDBOX_UNTIL - dt.timedelta(days=1))
SOURCES = PULL_REQUEST_ASSETS
SUMMARIES = f"{SOURCES} or key:processing/pr_llm_summaries"


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _llm(server, **overrides: object) -> GroqLLMResource:  # type: ignore[no-untyped-def]
    settings = {
        "api_key": server.groq_api_key,
        "base_url": server.groq_base_url,
        "model": "sandbox",
        **overrides,
    }
    return GroqLLMResource(**settings)  # type: ignore[arg-type]


def _summaries_metadata(result) -> dict:  # type: ignore[no-untyped-def]
    for event in result.get_asset_materialization_events():
        if event.asset_key.to_user_string() == "processing/pr_llm_summaries":
            return {k: v.value for k, v in event.materialization.metadata.items()}
    raise AssertionError("no summaries materialization")


@pytest.mark.parametrize("model", ["sandbox", "llama-3.3-70b-versatile"], ids=["json_schema", "json_object"])
def test_structured_answers_survive_a_429(sandbox, model: str) -> None:  # type: ignore[no-untyped-def]
    sandbox.groq_config = GroqConfig(rate_limit_every_n=2)  # the 2nd request answers 429, retry-after 1
    refused_before = sandbox.request_log.count(429)
    try:
        messages = llm_prompt.build_messages(
            "Add refunds",
            "Co-authored-by: Claude <noreply@anthropic.com>",
            "feat/refunds",
            [],
            ["add refunds"],
        )
        usage = LlmUsage()
        answers = _llm(sandbox, model=model, max_concurrency=1).complete_json(
            [JsonRequest("1", messages), JsonRequest("2", messages)], llm_prompt.SUMMARY_SCHEMA, usage
        )
    finally:
        sandbox.groq_config = GroqConfig()
    assert set(answers) == {"1", "2"} and all(isinstance(a, dict) for a in answers.values())
    assert answers["1"] == answers["2"]  # deterministic for the same prompt
    assert {"summary", "change_type", "risk", "ai_usage", "tech_areas"} <= set(answers["1"])
    assert usage.requests == 2 and usage.prompt_tokens > 0
    assert sandbox.request_log.count(429) > refused_before  # a 429 was answered, and the SDK retried it


def test_summaries_are_cached_and_a_rerun_asks_nothing(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    github, llm = github_resource(sandbox), _llm(sandbox)
    first = materialize_range(
        warehouse, github, *DAYS, selection=SUMMARIES + " or key:analytics/pull_requests", llm=llm
    )
    assert first.success
    metadata = _summaries_metadata(first)
    with warehouse.connect() as conn:
        prs = conn.execute(text("SELECT count(*) FROM staging.github_pull_requests")).scalar_one()
        summarised = conn.execute(
            text("SELECT count(*) FROM analytics.pull_requests WHERE llm_summary IS NOT NULL")
        ).scalar_one()
        effective = conn.execute(
            text("SELECT count(*) FROM analytics.pull_requests WHERE effective_is_ai_assisted IS NULL")
        ).scalar_one()
    assert metadata["dagster/row_count"] == prs == summarised > 0
    assert metadata["llm_requests"] == prs and metadata["cache_hits"] == 0
    assert effective == 0  # the LLM verdict is there for every pull request
    again = _summaries_metadata(materialize_range(warehouse, github, *DAYS, selection=SUMMARIES, llm=llm))
    assert again["llm_requests"] == 0 and again["cache_hits"] == prs
    assert again["dagster/row_count"] == prs


def _groq_http_requests(server) -> int:  # type: ignore[no-untyped-def]
    return sum(n for template, n in server.request_log.by_template.items() if template.startswith("/groq"))


def test_commits_sharing_a_timestamp_keep_the_cache_warm(warehouse: WarehouseResource) -> None:
    """Every commit of a pull request carries the same committer time (as after a rebase): a re-run must build
    the same prompt whatever order the database keeps the tied commits in, and ask Groq nothing."""
    with running_sandbox(seed=12, days=10) as server:
        generate = server.org.commit_factory

        def rebased(org, pr):  # type: ignore[no-untyped-def]
            commits = generate(org, pr)
            at = max((c.committed_at for c in commits), default=None)
            return tuple(dataclasses.replace(c, committed_at=at) for c in commits)

        server.org.commit_factory = rebased
        server.org._commit_cache.clear()
        github, llm = github_resource(server), _llm(server)
        assert materialize_range(warehouse, github, *DAYS, selection=SUMMARIES, llm=llm).success
        with warehouse.begin() as conn:
            tied = conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT pr_id FROM staging.github_pr_commits GROUP BY pr_id "
                    "HAVING count(*) > 1 AND count(DISTINCT committed_at) = 1) t"
                )
            ).scalar_one()
            # Store each tied group in another physical order (as a re-stage, VACUUM FULL or a restore may):
            # the row stored first moves behind the others.
            conn.execute(
                text(
                    "UPDATE staging.github_pr_commits SET fetched_at = fetched_at WHERE ctid IN ("
                    "SELECT DISTINCT ON (pr_id) ctid FROM staging.github_pr_commits ORDER BY pr_id, ctid)"
                )
            )
        assert tied >= 3  # the test data has pull requests whose commits share a timestamp
        summaries = table_rows(warehouse, "processing.pr_llm_summaries", "pr_id")
        completions, http = server.groq.completions_served, _groq_http_requests(server)
        again = materialize_range(
            warehouse, github, *DAYS, selection="key:processing/pr_llm_summaries", llm=llm
        )
        metadata = _summaries_metadata(again)
        assert metadata["llm_requests"] == 0 and metadata["cache_hits"] == len(summaries)
        assert server.groq.completions_served == completions and _groq_http_requests(server) == http
        assert table_rows(warehouse, "processing.pr_llm_summaries", "pr_id") == summaries  # same warehouse


def test_large_runs_go_through_the_batch_api(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    llm = _llm(sandbox, batch_threshold=0, batch_poll_seconds=0.0)
    result = materialize_range(warehouse, github_resource(sandbox), *DAYS, selection=SUMMARIES, llm=llm)
    assert result.success
    metadata = _summaries_metadata(result)
    assert metadata["llm_batches"] == 1 and metadata["dagster/row_count"] > 0
    assert metadata["llm_requests"] == metadata["dagster/row_count"]


def test_without_a_key_summaries_are_skipped_and_the_rest_runs(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    result = materialize_range(
        warehouse, github_resource(sandbox), *DAYS, selection=SUMMARIES + " or key:analytics/pull_requests"
    )
    assert result.success
    assert "GROQ_API_KEY is not set" in _summaries_metadata(result)["status"]
    with warehouse.connect() as conn:
        built = conn.execute(text("SELECT count(*) FROM analytics.pull_requests")).scalar_one()
    assert built > 0


def test_groq_reset_durations() -> None:
    from resources.groq_llm import groq_duration_seconds

    assert groq_duration_seconds("2m59.56s") == pytest.approx(179.56)
    assert groq_duration_seconds("7.66s") == pytest.approx(7.66)
    assert groq_duration_seconds("120ms") == pytest.approx(0.12)
    assert groq_duration_seconds(None) == 0.0


def test_a_spent_request_budget_is_waited_for() -> None:
    waits: list[float] = []
    usage = LlmUsage()
    headers = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1.5s"}
    GroqLLMResource(api_key="k")._respect_budget(headers, usage, sleep=waits.append)
    assert waits == [1.5] and usage.budget_waits == 1


def test_the_prompt_does_not_depend_on_label_order() -> None:
    def digest(labels: list[str]) -> str:
        return llm_prompt.content_hash(llm_prompt.build_messages("t", "b", "br", labels, ["one", "two"]))

    assert digest(["bug", "area/api", "size/S"]) == digest(["size/S", "bug", "area/api"])
    assert digest(["bug"]) != digest(["feature"])
