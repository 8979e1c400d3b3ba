"""What every Slack survey asset shares. Its own pool: the bot's rate limits are Slack's, not GitHub's. It
runs after the pull requests it asks about are staged (the nightly sync or a webhook's refresh of today)."""

from __future__ import annotations

from dexxy_assets.automation import after_upstream_partitions
from dexxy_assets.source_contract import SourceSettings

SETTINGS = SourceSettings(
    group="slack",
    owners=("team:data-platform",),
    kinds=frozenset({"slack", "postgres"}),
    pool="slack_api",
    automation=after_upstream_partitions(),
)
