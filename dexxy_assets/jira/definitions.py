"""Everything Jira adds to the code location, as one bundle: assets, checks, sensors and its resource."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.jira.checks import build_jira_checks
from dexxy_assets.jira.issue_assets import STAGED_KEY, build_issue_assets
from dexxy_assets.jira.onboarding_sensor import build_onboarding_sensor
from dexxy_assets.jira.snapshot_assets import jira_sprints, jira_users
from resources.jira import JiraResource
from sensors.stale_code_version import build_stale_code_version_sensor


def build_jira_definitions(partitions: dg.TimeWindowPartitionsDefinition) -> dg.Definitions:
    """Merged into the location's Definitions (``dg.Definitions.merge``); the warehouse comes from there.
    The Jira marts (``marts.JIRA_MARTS``) are built there too, once every source has said what it lands."""
    issue_assets = build_issue_assets(partitions)
    staged = next(a for a in issue_assets if STAGED_KEY in a.keys)
    return dg.Definitions(
        assets=[jira_users, jira_sprints, *issue_assets],
        asset_checks=build_jira_checks(),
        sensors=[build_stale_code_version_sensor(staged), build_onboarding_sensor(partitions)],
        resources={"jira": JiraResource()},
    )
