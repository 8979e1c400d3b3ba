"""The BI-facing Copilot tables; their dependencies come from their models' ``source()`` and ``ref()``
calls."""

from __future__ import annotations

from dexxy_assets.analytics.mart_asset import MartSpec

COPILOT_MARTS = (
    MartSpec(
        name="copilot_usage_daily",
        description="Copilot usage per organisation and day: active users, generations, acceptances and "
        "acceptance rate, lines, and the per IDE / feature / language breakdown.",
        preview_columns=["org", "day", "daily_active_users", "acceptance_rate", "loc_added_sum"],
    ),
    MartSpec(
        name="ai_usage_daily",
        description="AI tool usage per team member and day (source copilot), matched by GitHub id, then "
        "login.",
        preview_columns=["day", "github_login", "code_acceptance_activity_count", "acceptance_rate"],
    ),
)
