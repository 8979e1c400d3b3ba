"""Which custom fields hold the sprint and the story points on a Jira site: their ids differ per site
(``customfield_10020`` is only the usual one), so they are discovered from ``/rest/api/3/field``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SPRINT_SCHEMA = "com.pyxis.greenhopper.jira:gh-sprint"
STORY_POINTS_SCHEMA = "com.pyxis.greenhopper.jira:jsw-story-points"  # team-managed "Story point estimate"
STORY_POINT_NAMES = ("story points", "story point estimate")  # in order of preference


@dataclass(frozen=True)
class JiraFieldIds:
    """``story_points`` is the preferred field; ``story_point_fields`` every candidate, preferred first (a
    site can have both the company-managed "Story Points" and the team-managed "Story point estimate")."""

    sprint: str | None
    story_points: str | None
    story_point_fields: tuple[str, ...]
    epic_link: str | None = None


def discover_fields(fields: Iterable[Any]) -> JiraFieldIds:
    """Field ids by schema (sprint) and by name or schema (story points); None when the site has none."""
    sprint = None
    epic_link = None
    ranked: list[tuple[int, str]] = []
    for field in fields:
        if not isinstance(field, dict) or not field.get("id"):
            continue
        schema = field.get("schema") if isinstance(field.get("schema"), dict) else {}
        custom = str(schema.get("custom") or "")
        name = " ".join(str(field.get("name") or "").split()).lower()
        if custom == SPRINT_SCHEMA and sprint is None:
            sprint = str(field["id"])
        if custom == "com.pyxis.greenhopper.jira:gh-epic-link" and epic_link is None:
            epic_link = str(field["id"])
        if name in STORY_POINT_NAMES:
            ranked.append((STORY_POINT_NAMES.index(name), str(field["id"])))
        elif custom == STORY_POINTS_SCHEMA:
            ranked.append((len(STORY_POINT_NAMES), str(field["id"])))
    ordered = tuple(dict.fromkeys(field_id for _, field_id in sorted(ranked)))
    return JiraFieldIds(sprint, ordered[0] if ordered else None, ordered, epic_link)
