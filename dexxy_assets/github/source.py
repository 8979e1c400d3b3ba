"""GitHub as a registered source: members, repositories, teams, pull requests with their children,
deployments, the workflow runs and releases that DEXXY_DEPLOYMENT_RULES names deployments, issues and
discussions with their comments; each fetched into raw and staged from raw."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks.gx_checks import build_gx_checks
from dexxy_assets.github.asset_settings import SETTINGS
from dexxy_assets.github.checks import build_github_checks
from dexxy_assets.github.deployment_assets import build_deployment_assets
from dexxy_assets.github.deployment_staged_asset import build_deployment_staged_asset
from dexxy_assets.github.discussion_staging import build_discussion_staged_asset
from dexxy_assets.github.gx_suites import GITHUB_SUITES
from dexxy_assets.github.issue_assets import build_discussion_assets, build_issue_assets
from dexxy_assets.github.issue_staging import build_issue_staged_asset
from dexxy_assets.github.marts import GITHUB_MARTS
from dexxy_assets.github.pull_request_assets import build_pull_request_assets
from dexxy_assets.github.pull_request_staged_asset import build_pull_request_staged_asset
from dexxy_assets.github.record_staging import build_record_staged_asset
from dexxy_assets.github.release_assets import build_release_assets
from dexxy_assets.github.release_staging import RELEASES_STAGING
from dexxy_assets.github.snapshot_assets import github_members, github_repositories
from dexxy_assets.github.team_assets import github_teams
from dexxy_assets.github.workflow_run_assets import build_workflow_run_assets
from dexxy_assets.github.workflow_run_staging import WORKFLOW_RUNS_STAGING
from dexxy_assets.source_contract import Source
from resources.github import GitHubResource

ENV_VARS = (
    "GITHUB_API_URL",
    "GITHUB_TOKEN",
    "GITHUB_APP_ID",
    "GITHUB_APP_PRIVATE_KEY",
    "GITHUB_APP_INSTALLATION_ID",
    "GITHUB_ORGS",
    "GITHUB_REPOS",
    "GITHUB_FETCH_MODE",
    "DEXXY_DEPLOYMENT_RULES",
    "DEXXY_TEAMS_FILE",
)


def build(partitions: dg.TimeWindowPartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            github_members,
            github_repositories,
            github_teams,
            build_pull_request_assets(partitions),
            build_pull_request_staged_asset(partitions),
            build_deployment_assets(partitions),
            build_deployment_staged_asset(partitions),
            build_workflow_run_assets(partitions),
            build_record_staged_asset(WORKFLOW_RUNS_STAGING, partitions),
            build_release_assets(partitions),
            build_record_staged_asset(RELEASES_STAGING, partitions),
            build_issue_assets(partitions),  # issues, discussions and their comments (issue_assets.py)
            build_issue_staged_asset(partitions),
            build_discussion_assets(partitions),
            build_discussion_staged_asset(partitions),
        ],
        asset_checks=[*build_github_checks(), *build_gx_checks(partitions, GITHUB_SUITES)],
    )


GITHUB = Source(
    name="github",
    settings=SETTINGS,
    env_vars=ENV_VARS,
    build=build,
    resources=lambda: {"github": GitHubResource()},
    marts=GITHUB_MARTS,
)
