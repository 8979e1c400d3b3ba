"""What every Jira asset shares: group, owners, kinds, pool and schedule."""

from __future__ import annotations

from dexxy_assets.automation import nightly
from dexxy_assets.source_contract import SourceSettings

GROUP = "jira"
OWNERS = ["team:data-platform"]
KINDS = {"jira", "postgres"}
POOL = "jira_api"
# An hour after GitHub (02:00): the nightly run re-reads yesterday as well as today.
DAILY_AT_0300 = nightly("0 3 * * *")
SETTINGS = SourceSettings(
    group=GROUP, owners=tuple(OWNERS), kinds=frozenset(KINDS), pool=POOL, automation=DAILY_AT_0300
)
# Run tags that narrow a run to one onboarding scope (the onboarding sensor sets them).
PROJECT_TAG = "dexxy/jira_project"
USER_TAG = "dexxy/jira_user"
ONBOARDING_TAG = "dexxy/jira_onboarding"
