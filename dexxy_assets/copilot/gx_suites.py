"""Copilot's Great Expectations suites: the usage reports per daily partition, its analytics tables whole."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks import gx_expectations as gx
from dexxy_assets.checks.gx_suite import TableSuite
from dexxy_assets.copilot.copilot_assets import ORG_USAGE_KEY, USER_USAGE_KEY

COPILOT_SUITES = (
    TableSuite(
        asset=USER_USAGE_KEY,
        table="staging.copilot_usage_user_daily",
        name=gx.INTEGRITY,
        description="GX: one row per (org, day, person); acceptances never exceed suggestions; counts not "
        "negative.",
        partition_column="day",
        blocking=True,
        expectations=(
            *gx.key_expectations("org", "day", "user_login"),
            *gx.acceptances_within_suggestions(),
            *gx.not_negative("code_generation_activity_count", "code_acceptance_activity_count"),
        ),
    ),
    TableSuite(
        asset=ORG_USAGE_KEY,
        table="staging.copilot_usage_org_daily",
        name=gx.INTEGRITY,
        description="GX: one row per (org, day); acceptances never exceed suggestions; counts not negative.",
        partition_column="day",
        blocking=True,
        expectations=(
            *gx.key_expectations("org", "day"),
            *gx.acceptances_within_suggestions(),
            *gx.not_negative("daily_active_users", "code_generation_activity_count"),
        ),
    ),
    TableSuite(
        asset=dg.AssetKey(["analytics", "ai_usage_daily"]),
        table="analytics.ai_usage_daily",
        name=gx.INTEGRITY,
        description="GX: one row per (day, source, org, person); acceptances never exceed suggestions; "
        "acceptance rate within [0, 1].",
        blocking=True,
        expectations=gx.copilot_usage("day", "source", "org", "github_login"),
    ),
    TableSuite(
        asset=dg.AssetKey(["analytics", "copilot_usage_daily"]),
        table="analytics.copilot_usage_daily",
        name=gx.INTEGRITY,
        description="GX: one row per (org, day); acceptances never exceed suggestions; acceptance rate "
        "within [0, 1].",
        blocking=True,
        expectations=gx.copilot_usage("org", "day"),
    ),
)
