"""Weekly insights on the hand-made rollup fixture (tests/rollup_fixtures.py) through the groq SDK against
the sandbox over real HTTP: the figures a team-week is written from, structured answers, the cache (a re-run
asks nothing and writes the same rows), a prompt version that re-runs, and the skip without a key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from dexxy_assets.partitions import daily_partitions
from dexxy_assets.processing import weekly_insights_prompt as prompt
from dexxy_assets.processing.weekly_insights_asset import (
    NOT_CONFIGURED,
    WEEKLY_INSIGHTS_KEY,
    build_weekly_insights_asset,
    run_weeks,
)
from dexxy_assets.processing.weekly_insights_inputs import weekly_inputs
from resources.groq_llm import GroqLLMResource
from resources.warehouse import WarehouseResource
from tests.insight_fixtures import load_rolled_up_weeks
from tests.rollup_fixtures import API, IDLE, W1, W2, W3, WEB, at, insert
from tests.sandbox_fixtures import running_sandbox

SPRINT = 7


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox(engineers=2, repos=1, days=7) as server:
        yield server


def _llm(server, model: str = "sandbox") -> GroqLLMResource:  # type: ignore[no-untyped-def]
    return GroqLLMResource(api_key=server.groq_api_key, base_url=server.groq_base_url, model=model)


@pytest.fixture
def figures(warehouse: WarehouseResource) -> WarehouseResource:
    """The rollup fixture, its rollups, a DORA week for api and a sprint holding alice's issue API-1."""
    with warehouse.begin() as conn:
        load_rolled_up_weeks(conn)
        conn.execute(text("UPDATE analytics.jira_issues SET sprint_ids = '{7}' WHERE issue_key = 'API-1'"))
        sprint = {"project_key": "API", "board_id": 1, "state": "closed", "removed_issues": 0}
        insert(
            conn,
            "analytics.jira_sprint_metrics",
            [
                {
                    **sprint,
                    "sprint_id": SPRINT,
                    "name": "API sprint 7",
                    "start_at": at(W1 - dt.timedelta(days=4)),
                    "complete_at": at(W1 + dt.timedelta(days=3)),
                    "committed_issues": 2,
                    "committed_points": 8,
                    "added_issues": 1,
                    "added_points": 5,
                    "completed_issues": 1,
                    "completed_points": 5,
                    "completed_committed_issues": 1,
                    "not_completed_issues": 1,
                    "carried_over_issues": 1,
                    "carried_over_points": 8,
                    "completion_ratio": Decimal("0.625"),
                    "issue_completion_ratio": Decimal("0.5"),
                }
            ],
        )
    return warehouse


def _run(warehouse: WarehouseResource, llm: GroqLLMResource, day: dt.date) -> dict:
    asset = build_weekly_insights_asset(daily_partitions(dt.date(2026, 2, 1)))
    result = dg.materialize(
        [asset], partition_key=day.isoformat(), resources={"warehouse": warehouse, "llm": llm}
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def _insights(warehouse: WarehouseResource) -> list[dict]:
    with warehouse.connect() as conn:
        rows = conn.execute(text("SELECT * FROM processing.weekly_insights ORDER BY week_start, team_key"))
        return [dict(r) for r in rows.mappings()]


def test_a_team_week_is_written_from_its_rollup_dora_sprints_and_linkage(figures: WarehouseResource) -> None:
    with figures.connect() as conn:
        found = weekly_inputs(conn, [W1, W3])
    api = found[(W1, API)]
    assert api["this_week"]["prs_merged"] == 3 and api["this_week"]["cycle_time_median_hours"] == 20.0
    assert api["this_week"]["linkage_rate"] == 0.5 and api["this_week"]["review_time_median_hours"] == 14.0
    assert api["previous_week"] is None  # W1 is the first week
    assert api["dora"]["deployments"] == 4 and api["dora"]["change_failure_rate"] == 0.25
    assert [s["name"] for s in api["sprints"]] == ["API sprint 7"]  # alice's issue is in it
    assert found[(W1, WEB)]["sprints"] == [] and found[(W1, WEB)]["dora"] is None
    assert found[(W3, WEB)]["previous_week"]["prs_merged"] == 0  # the empty W2 row
    assert (W2, API) not in found  # not asked for


def test_run_weeks_are_the_mondays_a_run_touches() -> None:
    window = dg.TimeWindow(at(W1 + dt.timedelta(days=6), -9), at(W2 + dt.timedelta(days=2), -9))
    assert run_weeks(window) == [W1, W2]


@pytest.mark.parametrize("model", ["sandbox", "llama-3.3-70b-versatile"], ids=["json_schema", "json_object"])
def test_insights_through_groq_are_structured_cached_and_stable(
    figures: WarehouseResource, sandbox, model: str
) -> None:  # type: ignore[no-untyped-def]
    llm = _llm(sandbox, model)
    first = _run(figures, llm, W1 + dt.timedelta(days=2))
    rows = _insights(figures)
    assert [(r["week_start"], r["team_key"]) for r in rows] == [(W1, API), (W1, WEB)]  # idle had no activity
    assert first["llm_requests"] == 2 and first["cache_hits"] == 0 and first["problems"] == 0
    assert first["team_weeks_without_activity"] == 1 and first["team_weeks_with_sprints"] == 1
    api = rows[0]
    assert api["headline"] == f"{API}: 3 pull requests merged, median cycle time 20 h"
    assert 2 <= len(api["observations"]) <= 4
    assert "50 % of opened pull requests link to a Jira issue." in api["observations"]
    assert api["suggested_focus"].startswith("Shorten review time")  # 14 h, the longest phase
    assert api["prompt_version"] == prompt.PROMPT_VERSION and api["model"] == model
    assert api["inputs"]["dora"]["deployments"] == 4

    again = _run(figures, llm, W1 + dt.timedelta(days=5))  # another day of the same week
    assert again["llm_requests"] == 0 and again["cache_hits"] == 2
    assert _insights(figures) == rows  # same rows, generated_at kept

    with figures.begin() as conn:
        rebuild_mart(conn, "weekly_insights")
        mart = conn.execute(
            text("SELECT team_name, headline FROM analytics.weekly_insights WHERE team_key = :t"), {"t": API}
        ).one()
    assert mart == (API, api["headline"])


def test_a_changed_figure_is_asked_again(figures: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    llm = _llm(sandbox)
    _run(figures, llm, W1)
    with figures.begin() as conn:
        conn.execute(
            text("UPDATE analytics.weekly_team_rollup SET prs_merged = 9 WHERE team_key = :t"), {"t": API}
        )
    again = _run(figures, llm, W1)
    assert again["llm_requests"] == 1 and again["cache_hits"] == 1
    assert _insights(figures)[0]["headline"].startswith(f"{API}: 9 pull requests merged")


def test_the_prompt_version_is_the_code_version() -> None:
    asset = build_weekly_insights_asset(daily_partitions(dt.date(2026, 2, 1)))
    assert asset.code_versions_by_key[WEEKLY_INSIGHTS_KEY] == prompt.PROMPT_VERSION


def test_without_groq_the_asset_succeeds_and_says_why(figures: WarehouseResource) -> None:
    metadata = _run(figures, GroqLLMResource(), W1)
    assert metadata["status"] == NOT_CONFIGURED and "GROQ_API_KEY" in metadata["status"]
    assert metadata["dagster/row_count"] == 0
    assert _insights(figures) == []
    assert IDLE  # the idle team never gets a narrative either way


def test_an_answer_without_the_schemas_shape_is_not_kept() -> None:
    good = {"headline": " h ", "observations": ["a", "b", "", 3, "c", "d", "e"], "suggested_focus": "f"}
    assert prompt.valid_answer(good) == {
        "headline": "h",
        "observations": ["a", "b", "c", "d"],  # blanks and non-strings dropped, at most four
        "suggested_focus": "f",
    }
    assert prompt.valid_answer({**good, "observations": ["only one"]}) is None
    assert prompt.valid_answer({**good, "headline": ""}) is None
    assert prompt.valid_answer({"answer": "free text"}) is None
    assert prompt.valid_answer(None) is None


def test_a_range_run_describes_itself_once_on_its_newest_day(figures: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    """A single-run backfill records an event per day: the weeks, headlines and LLM usage go on the newest
    day only, each other day keeps its row count and prompt version."""
    asset = build_weekly_insights_asset(daily_partitions(dt.date(2026, 2, 1)))
    days = [(W1 + dt.timedelta(days=n)).isoformat() for n in (1, 2, 3)]
    result = dg.materialize(
        [asset],
        resources={"warehouse": figures, "llm": _llm(sandbox, "sandbox")},
        tags={"dagster/asset_partition_range_start": days[0], "dagster/asset_partition_range_end": days[-1]},
    )
    assert result.success
    events = [e.materialization for e in result.get_asset_materialization_events()]
    by_day = {event.partition: event.metadata for event in events}
    assert sorted(by_day) == days
    run_wide = ("weeks", "headlines", "llm_requests", "cache_hits", "model")
    assert all(name in by_day[days[-1]] for name in run_wide)
    for day in days[:-1]:
        assert sorted(by_day[day]) == ["dagster/row_count", "problems", "prompt_version"], day
