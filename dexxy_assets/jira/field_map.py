"""Which custom fields hold the sprint and the story points on this site, read from ``/rest/api/3/field``.

Custom field ids differ per site (``customfield_10020`` here, ``customfield_10104`` there): the sprint field
is found by its type (``com.pyxis.greenhopper.jira:gh-sprint``), story points by name ("Story Points", then
"Story point estimate") or by the team-managed type. A site can have both story-point fields: every
candidate is kept, preferred first, and an issue's estimate is the first one it fills. The ranking is the
one ``resources/jira_fields.discover_fields`` (the client's) applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SPRINT_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"
STORY_POINTS_TYPE = "com.pyxis.greenhopper.jira:jsw-story-points"
STORY_POINT_NAMES = ("story points", "story point estimate")  # in order of preference


@dataclass(frozen=True)
class JiraFieldMap:
    """Field ids the parsers need, and every field the site lists (others on an issue are unknown)."""

    sprint: str | None = None
    story_point_fields: tuple[str, ...] = ()
    known: frozenset[str] = field(default_factory=frozenset)

    @property
    def story_points(self) -> str | None:
        return self.story_point_fields[0] if self.story_point_fields else None

    @classmethod
    def from_fields(cls, fields: Iterable[Any]) -> JiraFieldMap:
        sprint = None
        known: set[str] = set()
        ranked: list[tuple[int, str]] = []
        for item in fields:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            field_id = str(item["id"])
            known.add(field_id)
            schema = item.get("schema") if isinstance(item.get("schema"), dict) else {}
            custom = str(schema.get("custom") or "")
            name = " ".join(str(item.get("name") or "").split()).lower()
            if custom == SPRINT_TYPE and sprint is None:
                sprint = field_id
            if name in STORY_POINT_NAMES:
                ranked.append((STORY_POINT_NAMES.index(name), field_id))
            elif custom == STORY_POINTS_TYPE:
                ranked.append((len(STORY_POINT_NAMES), field_id))
        ordered = tuple(dict.fromkeys(field_id for _, field_id in sorted(ranked)))
        return cls(sprint=sprint, story_point_fields=ordered, known=frozenset(known))
