"""Copilot payloads → typed staging rows; odd values become NULL and counted problems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexxy_assets.payload_fields import FieldReader, parse_timestamp
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb

_COUNTERS = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_suggested_to_add_sum",
    "loc_added_sum",
)


def seat_row(payload: Any, org: str, fetched_at: dt.datetime, problems: ProblemLog) -> dict[str, Any] | None:
    f = FieldReader(payload, "copilot_seat", problems, None)
    login = f.text("assignee", "login")
    if not login:
        f.problem("unkeyed", payload)
        return None
    cancellation = parse_timestamp(f.text("pending_cancellation_date"))
    return {
        "org": org,
        "login": login,
        "user_id": f.integer("assignee", "id"),
        "plan_type": f.text("plan_type"),
        "created_at": f.timestamp("created_at"),
        "last_activity_at": f.timestamp("last_activity_at"),
        "last_activity_editor": f.text("last_activity_editor"),
        "pending_cancellation_date": cancellation.date() if cancellation else None,
        "is_current": True,
        "fetched_at": fetched_at,
    }


def org_day_row(
    payload: Any, org: str, day: dt.date, fetched_at: dt.datetime, problems: ProblemLog
) -> dict[str, Any] | None:
    f = FieldReader(payload, "copilot_org_day", problems, day)
    if "unparseable_line" in f.payload or not f.payload:
        f.problem("unparseable", f.payload.get("unparseable_line"))
        return None
    return {
        "org": org,
        "day": day,
        **{
            name: f.integer(name)
            for name in ("daily_active_users", "weekly_active_users", "monthly_active_users")
        },
        "monthly_active_chat_users": f.integer("monthly_active_chat_users"),
        "monthly_active_agent_users": f.integer("monthly_active_agent_users"),
        **{name: f.integer(name) for name in _COUNTERS},
        "by_ide": Jsonb(_breakdown(f, "totals_by_ide")),
        "by_feature": Jsonb(_breakdown(f, "totals_by_feature")),
        "by_language": Jsonb(_breakdown(f, "totals_by_language_feature")),
        "fetched_at": fetched_at,
    }


def user_day_row(
    payload: Any, org: str, day: dt.date, fetched_at: dt.datetime, problems: ProblemLog
) -> dict[str, Any] | None:
    f = FieldReader(payload, "copilot_user_day", problems, day)
    login = f.text("user_login")
    if not login:
        f.problem("unkeyed", f.payload.get("unparseable_line", payload))
        return None
    return {
        "org": org,
        "day": day,
        "user_login": login,
        "user_id": f.integer("user_id"),
        **{name: f.integer(name) for name in _COUNTERS},
        "used_chat": f.boolean("used_chat"),
        "used_agent": f.boolean("used_agent"),
        "fetched_at": fetched_at,
    }


def _breakdown(f: FieldReader, name: str) -> list[Any]:
    value = f.payload.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        f.problem(f"{name}_not_a_list", value)
        return []
    return value
