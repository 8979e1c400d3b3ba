"""Jira is optional: with neither JIRA_PROJECTS nor JIRA_BASE_URL set, the Jira assets report themselves
skipped instead of failing a run of every asset (a half-configured Jira still fails, naming what is
missing)."""

from __future__ import annotations

from resources.environment import env_list
from resources.jira import JiraResource

SKIPPED = (
    "skipped: Jira is not configured (set JIRA_BASE_URL, JIRA_PROJECTS and credentials; see .env.example)"
)


def jira_configured(jira: JiraResource) -> bool:
    projects = jira.projects if jira.projects is not None else env_list("JIRA_PROJECTS")
    return bool(projects) or bool(jira.resolved_base_url())


def skip_reason(jira: JiraResource) -> str | None:
    """Why the Jira assets skip this run (the ingestion factory's ``skip_reason``), or None."""
    return None if jira_configured(jira) else SKIPPED
