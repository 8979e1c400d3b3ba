"""GitHub Copilot as a registered source: seats and the daily usage reports. Read through the GitHub API
(the same resource, token and pool as GitHub), optional per organisation (copilot_access.py)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks.gx_checks import build_gx_checks
from dexxy_assets.copilot.asset_settings import SETTINGS
from dexxy_assets.copilot.copilot_assets import build_copilot_assets
from dexxy_assets.copilot.gx_suites import COPILOT_SUITES
from dexxy_assets.copilot.marts import COPILOT_MARTS
from dexxy_assets.source_contract import Source
from resources.github import GitHubResource

ENV_VARS = ("GITHUB_API_URL", "GITHUB_TOKEN", "GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_ORGS")


def build(partitions: dg.TimeWindowPartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(
        assets=build_copilot_assets(partitions), asset_checks=build_gx_checks(partitions, COPILOT_SUITES)
    )


COPILOT = Source(
    name="copilot",
    settings=SETTINGS,
    env_vars=ENV_VARS,
    build=build,
    resources=lambda: {"github": GitHubResource()},
    marts=COPILOT_MARTS,
    reads_api_of="github",  # `dexxy sync pause --source github` holds Copilot too
)
