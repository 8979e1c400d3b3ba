"""What every GitHub ingestion asset shares: group, owner, kinds, pool and schedule."""

from __future__ import annotations

import dagster as dg

GROUP = "github"
OWNERS = ["team:data-platform"]
KINDS = {"github", "postgres"}
POOL = "github_api"
# The original system synced GitHub at 02:00 UTC; declarative automation keeps that rhythm.
DAILY_AT_0200 = dg.AutomationCondition.on_cron("0 2 * * *", cron_timezone="UTC")
