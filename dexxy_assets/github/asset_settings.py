"""What every GitHub ingestion asset shares: group, owner, kinds, pool and schedule."""

from __future__ import annotations

from dexxy_assets.automation import nightly

GROUP = "github"
OWNERS = ["team:data-platform"]
KINDS = {"github", "postgres"}
POOL = "github_api"
# The original system synced GitHub at 02:00 UTC; the nightly run re-reads yesterday as well as today.
DAILY_AT_0200 = nightly("0 2 * * *")
