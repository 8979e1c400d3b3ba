"""What declarative automation requests, evaluated at simulated times across several days: the nightly
sync covers yesterday and today, derived partitions follow their upstream partitions, and marts rebuild
after any upstream materialization even when the history is partial."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import dagster as dg
import pytest

from dexxy_assets.definitions import defs

UTC = dt.UTC
PULL_REQUESTS = dg.AssetKey(["github", "pull_requests"])
COMMITS = dg.AssetKey(["github", "commits"])
STAGED = dg.AssetKey(["github", "pull_requests_staged"])
# what the pull request multi-asset materializes together
PR_RAW = [
    dg.AssetKey(["github", name])
    for name in ("pull_requests", "reviews", "commits", "files", "check_runs", "comments")
]
REPOSITORIES = dg.AssetKey(["github", "repositories"])
DEPLOYMENTS = dg.AssetKey(["github", "deployments"])
AI_DETECTION = dg.AssetKey(["processing", "pr_ai_detection"])
LLM_SUMMARIES = dg.AssetKey(["processing", "pr_llm_summaries"])
PR_MART = dg.AssetKey(["analytics", "pull_requests"])


class Automation:
    """Ticks the automation conditions of the real definitions the way the sensor does, one evaluation
    at a time, carrying the cursor from one to the next."""

    def __init__(self, instance: dg.DagsterInstance) -> None:
        self.definitions = defs()
        self.instance = instance
        self.cursor = None

    def tick(self, at: dt.datetime) -> dict[dg.AssetKey, set[str | None]]:
        result = dg.evaluate_automation_conditions(
            defs=self.definitions, instance=self.instance, evaluation_time=at, cursor=self.cursor
        )
        self.cursor = result.cursor
        requested: dict[dg.AssetKey, set[str | None]] = {}
        for key in self.definitions.resolve_asset_graph().get_all_asset_keys():
            partitions = result.get_requested_partitions(key)
            if partitions:
                requested[key] = set(partitions)
        return requested

    def materialized(self, keys: Iterable[dg.AssetKey], partition: str | None = None) -> None:
        for key in keys:
            self.instance.report_runless_asset_event(dg.AssetMaterialization(key, partition=partition))


@pytest.fixture
def automation() -> Automation:
    with dg.DagsterInstance.ephemeral() as instance:
        yield Automation(instance)


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}:00+00:00")


def test_the_nightly_sync_requests_yesterday_and_today_every_night(automation: Automation) -> None:
    assert automation.tick(at("2026-03-10", "01:00")) == {}
    for day, yesterday in (("2026-03-10", "2026-03-09"), ("2026-03-11", "2026-03-10")):
        requested = automation.tick(at(day, "02:05"))
        assert requested[PULL_REQUESTS] == {yesterday, day}
        assert requested[DEPLOYMENTS] == {yesterday, day}
        assert requested[REPOSITORIES] == {None}
        # once per tick: later in the day nothing more is asked of the nightly sync
        later = automation.tick(at(day, "13:00"))
        assert PULL_REQUESTS not in later and REPOSITORIES not in later
        automation.tick(at(day, "23:30"))


def test_the_llm_step_reads_what_the_sync_landed_at_four(automation: Automation) -> None:
    automation.tick(at("2026-03-10", "00:30"))
    automation.tick(at("2026-03-10", "02:05"))
    for key in (PULL_REQUESTS, COMMITS, STAGED):
        for day in ("2026-03-09", "2026-03-10"):
            automation.materialized([key], day)
    assert LLM_SUMMARIES not in automation.tick(at("2026-03-10", "03:00"))
    requested = automation.tick(at("2026-03-10", "04:05"))
    assert requested[LLM_SUMMARIES] == {"2026-03-09", "2026-03-10"}


def test_derived_partitions_follow_any_upstream_partition_not_only_the_latest(
    automation: Automation,
) -> None:
    automation.tick(at("2026-03-10", "12:00"))
    automation.materialized(PR_RAW, "2026-02-01")  # e.g. a backfill of an old day
    requested = automation.tick(at("2026-03-10", "12:05"))
    assert requested[STAGED] == {"2026-02-01"}  # staging follows raw, detection follows staging
    assert requested[AI_DETECTION] == {"2026-02-01"}


def test_marts_rebuild_after_an_upstream_materialization_with_a_partial_history(
    automation: Automation,
) -> None:
    automation.tick(at("2026-03-10", "12:00"))
    automation.materialized([PR_MART])  # built once already
    automation.tick(at("2026-03-10", "12:01"))
    # one day of a 69-day history: every other partition is missing
    automation.materialized(PR_RAW, "2026-03-09")
    assert automation.tick(at("2026-03-10", "12:04"))[STAGED] == {"2026-03-09"}
    automation.materialized([STAGED], "2026-03-09")
    requested = automation.tick(at("2026-03-10", "12:05"))
    assert requested[PR_MART] == {None}
    automation.materialized([PR_MART])
    assert PR_MART not in automation.tick(at("2026-03-10", "12:10"))


def _nightly_roots(automation: Automation, cron: str) -> dict[dg.AssetKey, bool]:
    """Every asset whose automation is `nightly(cron)` → whether it is daily-partitioned."""
    graph = automation.definitions.resolve_asset_graph()
    roots = {}
    for key in graph.get_all_asset_keys():
        condition = graph.get(key).automation_condition
        if condition is not None and condition.get_label() == f"nightly at {cron} UTC: yesterday and today":
            roots[key] = graph.get(key).partitions_def is not None
    return roots


@pytest.mark.parametrize(
    ("source", "cron", "hour", "before"),
    [("github", "0 2 * * *", "02:00", "01:59"), ("jira", "0 3 * * *", "03:00", "02:59")],
)
def test_at_its_hour_every_nightly_root_requests_the_whole_previous_day_and_today(
    automation: Automation, source: str, cron: str, hour: str, before: str
) -> None:
    """DESIGN §6: "the nightly run covers the whole previous day and today so far", at the source's hour to
    the minute (GitHub and Copilot 02:00, Jira 03:00 UTC): every daily root asks for both partitions, every
    snapshot once, nothing asks a minute before."""
    roots = _nightly_roots(automation, cron)
    assert {key.path[0] for key in roots} >= {source}
    assert any(roots.values()) and not all(roots.values())  # daily roots and snapshots alike
    automation.tick(at("2026-03-11", "00:30"))  # the sensor's previous tick, after midnight
    early = automation.tick(at("2026-03-11", before))
    assert not set(early) & set(roots)
    requested = automation.tick(at("2026-03-11", hour))
    for key, daily in roots.items():
        assert requested.get(key) == ({"2026-03-10", "2026-03-11"} if daily else {None}), key
    other = _nightly_roots(automation, "0 3 * * *" if source == "github" else "0 2 * * *")
    assert not set(requested) & set(other)  # the other source waits for its own hour
