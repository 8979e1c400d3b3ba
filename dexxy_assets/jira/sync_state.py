"""``ops.sync_state`` for Jira: one row per onboarded scope (a project key, or ``user:<who>`` for a watched
person; entity ``*``), written by the onboarding sensor and advanced by the runs it starts. Statuses are the
shared ones (``dexxy_assets.sync.state.Status``): syncing while onboarding, active once every onboarding run
succeeded, error while one failed, disabled once no longer configured (reason ``UNCONFIGURED``: configured
again, it is onboarded again)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import Connection, text

from dexxy_assets.jira import asset_settings

SOURCE = "jira"
UNCONFIGURED = "no longer in JIRA_PROJECTS or JIRA_TRACKED_USERS"
# A scope disabled for another reason (a webhook said the project was deleted or archived) reads as
# ``removed_upstream``: configured or not, it is not onboarded again.
REMOVED_UPSTREAM = "removed_upstream"
_ROWS = text(
    "SELECT scope, CASE WHEN status = 'disabled' AND reason IS DISTINCT FROM :unconfigured "
    "THEN :removed_upstream ELSE status END AS status "
    "FROM ops.sync_state WHERE source = :source AND scope <> '*' AND entity = '*'"
)
_START = text(
    "INSERT INTO ops.sync_state (source, scope, entity, status, history_start, synced_through, updated_at) "
    "VALUES (:source, :scope, '*', 'syncing', :history_start, NULL, now()) "
    "ON CONFLICT (source, scope, entity) DO UPDATE SET status = 'syncing', "
    "history_start = EXCLUDED.history_start, updated_at = now()"
)
_STATUS = text(
    "UPDATE ops.sync_state SET status = :status, updated_at = now(), "
    "reason = CASE WHEN :status = 'disabled' THEN :unconfigured ELSE reason END "
    "WHERE source = :source AND scope = :scope AND entity = '*' AND status <> :status"
)
_PROGRESS = text(
    "UPDATE ops.sync_state SET synced_through = GREATEST(synced_through, :day), updated_at = now() "
    "WHERE source = :source AND scope = :scope AND entity = '*'"
)


def user_scope(who: str) -> str:
    return f"user:{who}"


def scope_of_tags(tags: Mapping[str, str]) -> str | None:
    if tags.get(asset_settings.PROJECT_TAG):
        return tags[asset_settings.PROJECT_TAG]
    if tags.get(asset_settings.USER_TAG):
        return user_scope(tags[asset_settings.USER_TAG])
    return None


def known_scopes(conn: Connection) -> dict[str, str]:
    params = {"source": SOURCE, "unconfigured": UNCONFIGURED, "removed_upstream": REMOVED_UPSTREAM}
    return {scope: status for scope, status in conn.execute(_ROWS, params)}


def start(conn: Connection, scope: str, history_start: dt.date) -> None:
    conn.execute(_START, {"source": SOURCE, "scope": scope, "history_start": history_start})


def set_status(conn: Connection, scope: str, status: str) -> None:
    conn.execute(_STATUS, {"source": SOURCE, "scope": scope, "status": status, "unconfigured": UNCONFIGURED})


def record_progress(conn: Connection, tags: Mapping[str, str], through: dt.date) -> None:
    """An onboarding run staged its days: the scope's history reaches ``through`` (never moves back)."""
    scope = scope_of_tags(tags)
    if scope is not None:
        conn.execute(_PROGRESS, {"source": SOURCE, "scope": scope, "day": through})
