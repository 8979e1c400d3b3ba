"""What every Copilot asset shares. Copilot is read through the GitHub API, so it shares GitHub's pool
(one rate limit) and its nightly schedule."""

from __future__ import annotations

from dexxy_assets.automation import nightly
from dexxy_assets.source_contract import SourceSettings

SETTINGS = SourceSettings(
    group="copilot",
    owners=("team:data-platform",),
    kinds=frozenset({"github", "postgres"}),
    pool="github_api",
    automation=nightly("0 2 * * *"),
)
