"""The single Dagster entry point (workspace.yaml, `dagster dev`, `dexxy run`)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.analytics.github_checks import build_github_checks
from dexxy_assets.analytics.github_marts import COPILOT_MARTS, GITHUB_MARTS
from dexxy_assets.analytics.mart_asset import build_mart_asset
from dexxy_assets.analytics.team_marts import TEAM_MARTS
from dexxy_assets.copilot.copilot_assets import build_copilot_assets
from dexxy_assets.github.deployment_assets import build_deployment_assets
from dexxy_assets.github.deployment_staged_asset import build_deployment_staged_asset
from dexxy_assets.github.pull_request_assets import build_pull_request_assets
from dexxy_assets.github.pull_request_staged_asset import build_pull_request_staged_asset
from dexxy_assets.github.snapshot_assets import github_members, github_repositories
from dexxy_assets.github.team_assets import TEAMS_CHECKS, github_teams
from dexxy_assets.jira.definitions import build_jira_definitions
from dexxy_assets.jira.marts import JIRA_MARTS
from dexxy_assets.jobs import build_jobs
from dexxy_assets.partitions import daily_partitions, resolve_start_date
from dexxy_assets.processing.ai_detection_asset import build_ai_detection_asset
from dexxy_assets.processing.llm_summary_asset import build_llm_summary_asset
from dexxy_assets.table_lineage import table_publishers
from resources.github import GitHubResource
from resources.groq_llm import GroqLLMResource
from resources.warehouse import WarehouseResource
from sensors.run_failure_alerts import run_failure_alerts
from sensors.stale_code_version import build_stale_code_version_sensor


@dg.definitions
def defs() -> dg.Definitions:
    """Built when Dagster loads the code location, not at import, so the environment is read then."""
    partitions = daily_partitions(resolve_start_date())
    ai_detection = build_ai_detection_asset(partitions)
    llm_summaries = build_llm_summary_asset(partitions)
    pull_requests_staged = build_pull_request_staged_asset(partitions)
    deployments_staged = build_deployment_staged_asset(partitions)
    github = dg.Definitions(
        assets=[
            github_members,
            github_repositories,
            github_teams,
            build_pull_request_assets(partitions),
            pull_requests_staged,
            build_deployment_assets(partitions),
            deployments_staged,
            ai_detection,
            llm_summaries,
            *build_copilot_assets(partitions),
        ],
        asset_checks=[*build_github_checks(), *TEAMS_CHECKS],
        jobs=build_jobs(),
        sensors=[
            run_failure_alerts,
            build_stale_code_version_sensor(pull_requests_staged),
            build_stale_code_version_sensor(deployments_staged),
            build_stale_code_version_sensor(ai_detection),
            build_stale_code_version_sensor(llm_summaries),
            dg.AutomationConditionSensorDefinition(
                "default_automation_condition_sensor",
                target=dg.AssetSelection.all(),
                default_status=dg.DefaultSensorStatus.RUNNING,
            ),
        ],
        resources={"warehouse": WarehouseResource(), "github": GitHubResource(), "llm": GroqLLMResource()},
    )
    sources = dg.Definitions.merge(github, build_jira_definitions(partitions))
    # marts last: each depends on the assets that publish the tables its SQL model reads
    publishers = table_publishers(a for a in sources.assets or [] if isinstance(a, dg.AssetsDefinition))
    mart_specs = (*GITHUB_MARTS, *COPILOT_MARTS, *JIRA_MARTS, *TEAM_MARTS)
    marts = [build_mart_asset(spec, publishers) for spec in mart_specs]
    return dg.Definitions.merge(sources, dg.Definitions(assets=marts))
