"""GitHub's Copilot JSON shapes: seat assignments (REST) and the records of the usage-metrics NDJSON reports.

Report field names follow GitHub's "Data available in Copilot usage metrics" reference (the NDJSON export of
the usage metrics API, 2025-10 on): `user_initiated_interaction_count`, `code_generation_activity_count`,
`code_acceptance_activity_count`, `loc_suggested_to_add_sum`, `loc_suggested_to_delete_sum`, `loc_added_sum`,
`loc_deleted_sum`, and the `totals_by_ide` / `totals_by_feature` / `totals_by_language_feature` /
`totals_by_language_model` / `totals_by_model_feature` breakdowns. The organization record carries the
active-user counts (`daily_/weekly_/monthly_active_users`, `monthly_active_chat_users`,
`monthly_active_agent_users`) and `pull_requests`; the user records carry `user_id`, `user_login`,
`used_chat`, `used_agent` and, per IDE, `last_known_ide_version` / `last_known_plugin_version`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

from dexxy_sandbox.copilot.usage import CopilotUsage, FeatureActivity, Seat, UserDay

Json = dict[str, Any]
COUNTERS = (
    ("user_initiated_interaction_count", "interactions"),
    ("code_generation_activity_count", "generations"),
    ("code_acceptance_activity_count", "acceptances"),
    ("loc_suggested_to_add_sum", "loc_suggested_to_add"),
    ("loc_suggested_to_delete_sum", "loc_suggested_to_delete"),
    ("loc_added_sum", "loc_added"),
    ("loc_deleted_sum", "loc_deleted"),
)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sampled(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def enterprise_id(usage: CopilotUsage) -> str:
    return str(90_000 + usage.seed % 10_000)


def seat(item: Seat, last: UserDay | None, assignee: Json | None, as_of: dt.datetime) -> Json:
    """A `copilot-seat-details` object (`updated_at`, which GitHub is closing down, repeats `created_at`)."""
    editor = f"{item.ide}/{item.ide_version}/{item.plugin}/{item.plugin_version}" if last else None
    authenticated = last.last_activity_at if last else min(item.created_at + dt.timedelta(hours=2), as_of)
    return {
        "created_at": _iso(item.created_at),
        "updated_at": _iso(item.created_at),
        "pending_cancellation_date": (
            item.pending_cancellation_date.isoformat() if item.pending_cancellation_date else None
        ),
        "last_activity_at": _iso(last.last_activity_at) if last else None,
        "last_activity_editor": editor,
        "last_authenticated_at": _iso(authenticated),
        "plan_type": "business",
        "assignee": assignee,
        "assigning_team": None,
    }


def _sum(activities: Iterable[FeatureActivity], skip_interactions: bool = False) -> Json:
    items = list(activities)
    totals = {field: sum(getattr(a, attr) for a in items) for field, attr in COUNTERS}
    if skip_interactions:
        totals.pop("user_initiated_interaction_count")
    return totals


def _group(
    activities: Iterable[FeatureActivity],
    dimensions: tuple[str, ...],
    key: Callable[[FeatureActivity], tuple[Any, ...]],
    skip_interactions: bool = False,
) -> list[Json]:
    groups: dict[tuple[Any, ...], list[FeatureActivity]] = {}
    for activity in activities:
        groups.setdefault(key(activity), []).append(activity)
    return [
        {**dict(zip(dimensions, values, strict=True)), **_sum(items, skip_interactions)}
        for values, items in sorted(groups.items(), key=lambda item: tuple(map(str, item[0])))
    ]


def _breakdowns(activities: list[FeatureActivity]) -> Json:
    chat = [a for a in activities if a.model is not None]
    return {
        "totals_by_feature": _group(activities, ("feature",), lambda a: (a.feature,)),
        "totals_by_language_feature": _group(
            activities, ("language", "feature"), lambda a: (a.language, a.feature), skip_interactions=True
        ),
        "totals_by_language_model": _group(chat, ("language", "model"), lambda a: (a.language, a.model)),
        "totals_by_model_feature": _group(chat, ("model", "feature"), lambda a: (a.model, a.feature)),
    }


def user_record(usage: CopilotUsage, found: UserDay) -> Json:
    """One line of the `users-1-day` report."""
    item, activities = found.seat, list(found.activities)
    sampled = _sampled(found.last_activity_at)
    ide = {
        "ide": item.ide,
        **_sum(activities),
        "last_known_ide_version": {"ide_version": item.ide_version, "sampled_at": sampled},
        "last_known_plugin_version": {
            "plugin": item.plugin,
            "plugin_version": item.plugin_version,
            "sampled_at": sampled,
        },
    }
    return {
        "day": found.day.isoformat(),
        "enterprise_id": enterprise_id(usage),
        "organization_id": str(usage.org.id),
        "user_id": item.user_id,
        "user_login": item.login,
        **_sum(activities),
        "used_agent": found.used_agent,
        "used_chat": found.used_chat,
        "used_cli": False,
        "used_copilot_coding_agent": False,
        "used_copilot_cloud_agent": False,
        "used_copilot_code_review_active": None,
        "used_copilot_code_review_passive": None,
        "totals_by_ide": [ide],
        **_breakdowns(activities),
    }


def organization_record(usage: CopilotUsage, day: dt.date) -> Json:
    """The single line of the `organization-1-day` report."""
    users = usage.users(day)
    activities = [a for found in users for a in found.activities]
    by_ide: dict[str, list[FeatureActivity]] = {}
    for found in users:
        by_ide.setdefault(found.seat.ide, []).extend(found.activities)
    pulls = usage.pull_requests(day)
    return {
        "day": day.isoformat(),
        "enterprise_id": enterprise_id(usage),
        "organization_id": str(usage.org.id),
        "daily_active_users": len(users),
        "weekly_active_users": len(usage.active_logins(day, 7)),
        "monthly_active_users": len(usage.active_logins(day, 28)),
        "monthly_active_chat_users": usage.window_users(day, 28, "chat"),
        "monthly_active_agent_users": usage.window_users(day, 28, "agent"),
        "daily_active_copilot_cloud_agent_users": 0,
        "weekly_active_copilot_cloud_agent_users": 0,
        "monthly_active_copilot_cloud_agent_users": 0,
        **_sum(activities),
        "totals_by_ide": [{"ide": ide, **_sum(items)} for ide, items in sorted(by_ide.items())],
        **_breakdowns(activities),
        "pull_requests": {
            "total_created": pulls.created,
            "total_reviewed": pulls.reviewed,
            "total_merged": pulls.merged,
            "median_minutes_to_merge": pulls.median_minutes_to_merge,
            "total_suggestions": 0,
            "total_applied_suggestions": 0,
            "total_created_by_copilot": 0,
            "total_reviewed_by_copilot": 0,
            "total_merged_created_by_copilot": 0,
            "median_minutes_to_merge_copilot_authored": None,
            "total_copilot_suggestions": 0,
            "total_copilot_applied_suggestions": 0,
        },
    }


def ndjson(records: Iterable[Json]) -> bytes:
    return b"".join(
        json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for record in records
    )
