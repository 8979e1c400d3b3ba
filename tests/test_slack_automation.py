"""When slack/pr_surveys runs by itself: as soon as the pull requests of a day are staged again, by the
nightly sync or by a webhook's refresh of today (whose run leaves the survey out: it calls Slack)."""

from __future__ import annotations

import dagster as dg

from sensors.webhook_sensor import refresh_selection
from tests.test_automation import PR_RAW, STAGED, Automation, at, automation  # noqa: F401 (fixture)

SURVEYS = dg.AssetKey(["slack", "pr_surveys"])


def test_a_day_staged_again_is_surveyed_right_after(automation: Automation) -> None:  # noqa: F811
    automation.tick(at("2026-03-10", "12:00"))
    automation.materialized(PR_RAW, "2026-03-10")  # a webhook's refresh of today (or the nightly sync)
    automation.materialized([STAGED], "2026-03-10")
    assert automation.tick(at("2026-03-10", "12:01"))[SURVEYS] == {"2026-03-10"}
    automation.materialized([SURVEYS], "2026-03-10")
    assert SURVEYS not in automation.tick(at("2026-03-10", "12:02"))


def test_the_webhook_run_leaves_the_survey_to_the_automation(automation: Automation) -> None:  # noqa: F811
    assets = [a for a in automation.definitions.assets or [] if isinstance(a, dg.AssetsDefinition)]
    sources = {"github", "copilot", "jira", "slack"}
    assert SURVEYS not in refresh_selection(PR_RAW, assets, sources)
