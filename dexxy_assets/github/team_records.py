"""Staging rows from GitHub team and team-member payloads; odd fields become NULL and counted problems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog

TEAM_ROLES = frozenset({"member", "maintainer"})
TEAM_PRIVACY = frozenset({"closed", "secret"})


def team_row(payload: Any, org: str, fetched_at: dt.datetime, problems: ProblemLog) -> dict | None:
    """A `staging.github_teams` row, or None (counted) when the team has no id or slug."""
    f = FieldReader(payload, "team", problems, None)
    team_id, slug = f.integer("id", required=True), f.text("slug")
    if team_id is None or not slug:
        f.problem("unkeyed", payload)
        return None
    parent = f.payload.get("parent")
    if parent is not None and not isinstance(parent, dict):
        f.problem("parent_not_object", parent)
    return {
        "team_id": team_id,
        "org": org,
        "slug": slug,
        "name": f.text("name") or slug,
        "description": f.text("description"),
        "privacy": f.enum(TEAM_PRIVACY, "privacy"),
        "parent_team_id": f.integer("parent", "id"),
        "parent_slug": f.text("parent", "slug"),
        "is_current": True,
        "fetched_at": fetched_at,
    }


def team_member_row(
    payload: Any, org: str, team_slug: str, fetched_at: dt.datetime, problems: ProblemLog
) -> dict | None:
    """A `staging.github_team_members` row, or None (counted) when the member has no id or login."""
    f = FieldReader(payload, "team_member", problems, None)
    user_id, login = f.integer("id", required=True), f.text("login")
    if user_id is None or not login:
        f.problem("unkeyed", payload)
        return None
    return {
        "org": org,
        "team_slug": team_slug,
        "user_id": user_id,
        "login": login,
        "role": f.enum(TEAM_ROLES, "role"),
        "is_inherited": f.boolean("inherited"),
        "is_current": True,
        "fetched_at": fetched_at,
    }
