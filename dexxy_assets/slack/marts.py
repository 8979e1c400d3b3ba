"""The BI-facing survey table; its dependency comes from its model's ``source()`` call."""

from __future__ import annotations

from dexxy_assets.analytics.mart_asset import MartSpec

SLACK_MARTS = (
    MartSpec(
        name="pr_surveys",
        description="The Slack PR survey per merged pull request and person: sent, answered, the answer "
        "(none / some / most), tools and latency (a view: answers show as they arrive).",
        preview_columns=["repository", "pr_number", "github_login", "status", "answer", "latency_hours"],
    ),
)
