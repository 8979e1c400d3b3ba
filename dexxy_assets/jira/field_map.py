"""Which custom fields hold the sprint and the story points on this site, read from ``/rest/api/3/field``.

Custom field ids differ per site (``customfield_10020`` here, ``customfield_10104`` there): the sprint field
is found by its type (``com.pyxis.greenhopper.jira:gh-sprint``), story points by type or by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SPRINT_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"
STORY_POINT_TYPES = frozenset(
    {"com.pyxis.greenhopper.jira:jsw-story-points", "com.atlassian.jira.plugin.system.customfieldtypes:float"}
)
STORY_POINT_NAMES = ("story points", "story point estimate")


@dataclass(frozen=True)
class JiraFieldMap:
    """Field ids the parsers need, and every field the site lists (others on an issue are unknown)."""

    sprint: str | None = None
    story_points: str | None = None
    known: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_fields(cls, fields: Iterable[Any]) -> JiraFieldMap:
        sprint = story_points = None
        known: set[str] = set()
        by_name: dict[str, str] = {}
        for item in fields:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            field_id = item["id"]
            known.add(field_id)
            schema = item.get("schema") if isinstance(item.get("schema"), dict) else {}
            custom = schema.get("custom")
            name = str(item.get("name") or "").strip().lower()
            if custom == SPRINT_TYPE and sprint is None:
                sprint = field_id
            if name in STORY_POINT_NAMES and custom in (*STORY_POINT_TYPES, None):
                by_name.setdefault(name, field_id)
        # "Story Points" (classic) before "Story point estimate" (team-managed), as Jira's own reports do
        story_points = next((by_name[n] for n in STORY_POINT_NAMES if n in by_name), None)
        return cls(sprint=sprint, story_points=story_points, known=frozenset(known))
