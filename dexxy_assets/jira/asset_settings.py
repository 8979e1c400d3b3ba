"""What every Jira asset shares: group, owners, kinds, pool and schedule."""

from __future__ import annotations

from typing import Any

from dexxy_assets.automation import nightly

GROUP = "jira"
OWNERS = ["team:data-platform"]
KINDS = {"jira", "postgres"}
POOL = "jira_api"
# An hour after GitHub (02:00): the nightly run re-reads yesterday as well as today.
DAILY_AT_0300 = nightly("0 3 * * *")
# What every Jira asset (and spec) is declared with, besides its key, description and condition.
DECLARED: dict[str, Any] = {"group_name": GROUP, "owners": OWNERS, "kinds": KINDS}
# Run tags that narrow a run to one onboarding scope (the onboarding sensor sets them).
PROJECT_TAG = "dexxy/jira_project"
USER_TAG = "dexxy/jira_user"
ONBOARDING_TAG = "dexxy/jira_onboarding"
