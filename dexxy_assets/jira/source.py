"""Jira as a registered source: users and sprints (snapshots), and daily issues with their changelog,
comments and worklogs, staged from raw; plus the onboarding sensor that starts a new project's sync."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks.gx_checks import build_gx_checks
from dexxy_assets.jira.asset_settings import SETTINGS
from dexxy_assets.jira.checks import build_jira_checks
from dexxy_assets.jira.gx_suites import JIRA_SUITES
from dexxy_assets.jira.issue_assets import build_issue_assets
from dexxy_assets.jira.marts import JIRA_MARTS
from dexxy_assets.jira.onboarding_sensor import build_onboarding_sensor
from dexxy_assets.jira.snapshot_assets import jira_sprints, jira_users
from dexxy_assets.source_contract import Source
from resources.jira import JiraResource

ENV_VARS = (
    "JIRA_BASE_URL",
    "JIRA_PROJECTS",
    "JIRA_TRACKED_USERS",
    "JIRA_EMAIL",
    "JIRA_API_TOKEN",
    "JIRA_OAUTH_CLIENT_ID",
    "JIRA_OAUTH_CLIENT_SECRET",
    "JIRA_OAUTH_REFRESH_TOKEN",
    "JIRA_OAUTH_TOKEN",
    "JIRA_OAUTH_API_ROOT",
    "JIRA_OAUTH_TOKEN_URL",
    "DEXXY_SECRET_KEY",
)


def build(partitions: dg.TimeWindowPartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(
        assets=[jira_users, jira_sprints, *build_issue_assets(partitions)],
        asset_checks=[*build_jira_checks(), *build_gx_checks(partitions, JIRA_SUITES)],
        sensors=[build_onboarding_sensor(partitions)],
    )


JIRA = Source(
    name="jira",
    settings=SETTINGS,
    env_vars=ENV_VARS,
    build=build,
    resources=lambda: {"jira": JiraResource()},
    marts=JIRA_MARTS,
)
