"""Lifecycle events → scope changes: which call of the scope API (``dexxy_assets.sync.scope_changes``) an
installation, installation_repositories or Jira project event means. Pure: the sensor performs the calls.

| event | call |
| --- | --- |
| installation created (all repositories) | add_scope(github, <account login>) |
| installation created (selected repositories) | add_scope(github, <owner/name>) for each |
| installation deleted | remove_scope for the same scopes (archived: history kept) |
| installation suspend / unsuspend | pause_source(github) / resume_source(github) |
| installation_repositories added / removed | add_scope / remove_scope(github, <owner/name>) for each |
| Jira project_created / project_restored_deleted / project_restored_archived | add_scope(jira, <key>) |
| Jira project_deleted / project_soft_deleted / project_archived | remove_scope(jira, <key>) |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection

Call = Literal["add_scope", "remove_scope", "pause_source", "resume_source"]
_JIRA_ADDED = ("project_created", "project_restored_deleted", "project_restored_archived")
_JIRA_REMOVED = ("project_deleted", "project_soft_deleted", "project_archived")


@dataclass(frozen=True)
class ScopeCall:
    """One call of the scope API: ``scope`` is None for the source-wide calls."""

    call: Call
    source: str
    scope: str | None
    reason: str


def _repositories(payload: Mapping[str, Any], key: str) -> list[str]:
    listed = payload.get(key)
    if not isinstance(listed, list):
        return []
    return [r["full_name"] for r in listed if isinstance(r, Mapping) and isinstance(r.get("full_name"), str)]


def _installation_scopes(payload: Mapping[str, Any]) -> list[str]:
    installation = payload.get("installation")
    installation = installation if isinstance(installation, Mapping) else {}
    account = installation.get("account")
    login = account.get("login") if isinstance(account, Mapping) else None
    if installation.get("repository_selection") == "selected":
        return _repositories(payload, "repositories")
    return [login] if isinstance(login, str) else []


def scope_calls(provider: str, event: str, action: str | None, payload: Mapping[str, Any]) -> list[ScopeCall]:
    """The scope API calls a delivery asks for (empty for every other event)."""
    installation = payload.get("installation")
    installation_id = installation.get("id") if isinstance(installation, Mapping) else None
    reason = f"{provider} {event}{'.' + action if action else ''}"
    if provider == "github" and event == "installation":
        reason += f" (installation {installation_id})"
        if action == "created":
            return [ScopeCall("add_scope", "github", s, reason) for s in _installation_scopes(payload)]
        if action == "deleted":
            return [ScopeCall("remove_scope", "github", s, reason) for s in _installation_scopes(payload)]
        if action == "suspend":
            return [ScopeCall("pause_source", "github", None, reason)]
        if action == "unsuspend":
            return [ScopeCall("resume_source", "github", None, reason)]
        return []
    if provider == "github" and event == "installation_repositories":
        reason += f" (installation {installation_id})"
        if action == "added":
            return [
                ScopeCall("add_scope", "github", s, reason)
                for s in _repositories(payload, "repositories_added")
            ]
        if action == "removed":
            return [
                ScopeCall("remove_scope", "github", s, reason)
                for s in _repositories(payload, "repositories_removed")
            ]
        return []
    if provider == "jira" and event in (*_JIRA_ADDED, *_JIRA_REMOVED):
        project = payload.get("project")
        key = project.get("key") if isinstance(project, Mapping) else None
        if not isinstance(key, str):
            return []
        call: Call = "add_scope" if event in _JIRA_ADDED else "remove_scope"
        return [ScopeCall(call, "jira", key, reason)]
    return []


def perform(conn: Connection, calls: list[ScopeCall]) -> None:
    """Make the calls in the caller's transaction (the one that marks the delivery processed)."""
    if not calls:
        return
    from dexxy_assets.sync import scope_changes  # the sync helper's scope API (issue 10, item 4)

    for c in calls:
        if c.call == "add_scope":
            scope_changes.add_scope(conn, c.source, str(c.scope), reason=c.reason)
        elif c.call == "remove_scope":
            scope_changes.remove_scope(conn, c.source, str(c.scope), reason=c.reason)
        elif c.call == "pause_source":
            scope_changes.pause_source(conn, c.source, reason=c.reason)
        else:
            scope_changes.resume_source(conn, c.source, reason=c.reason)
