"""The Jira Cloud emulator: a Jira site generated over the synthetic org, served under `{server}/jira`.

| module | concept |
| --- | --- |
| `model` | immutable records: users, projects, statuses, issues, histories, comments, worklogs, sprints |
| `catalog` | the site's configuration: workflow, issue types, fields, time zones, words |
| `generator` | `generate_jira(org)`: the seeded site, consistent with the org's pull requests |
| `payloads` | Jira Cloud's JSON shapes (v2 text, v3 Atlassian Document Format, agile) |
| `jql` | the JQL subset, with Jira's time-zone semantics |
| `paging` | `startAt` offsets and `nextPageToken`s |
| `app` | the ASGI app: routes, auth, faults, rate limit, handlers |
| `oauth` | Atlassian OAuth 2.0 (3LO): codes, rotating refresh tokens, the cloud id |
"""

from __future__ import annotations

from dexxy_sandbox.jira.app import JIRA_API_TOKEN, JIRA_OAUTH_TOKEN, JiraApi
from dexxy_sandbox.jira.generator import generate_jira
from dexxy_sandbox.jira.model import JiraSite

__all__ = ["JIRA_API_TOKEN", "JIRA_OAUTH_TOKEN", "JiraApi", "JiraSite", "generate_jira"]
