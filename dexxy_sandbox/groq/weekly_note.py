"""Deterministic answers to a weekly team-note prompt: a message holding a JSON object of a team's weekly
figures (``this_week``, ``previous_week``, ``dora``, ``sprints``) and a schema asking for ``headline``,
``observations`` and ``suggested_focus``. The note is written from the figures, so a test can check that the
numbers it was given come back (and an LLM-like answer is at hand for demos) without a real model."""

from __future__ import annotations

import json
import re
from typing import Any

Json = dict[str, Any]
NOTE_FIELDS = frozenset({"headline", "observations", "suggested_focus"})
PHASES = (
    ("coding_time_median_hours", "coding"),
    ("pickup_time_median_hours", "pickup"),
    ("review_time_median_hours", "review"),
    ("deploy_time_median_hours", "deploy"),
)


def figures_in(text: str) -> Json | None:
    """The first JSON object in ``text`` that has ``this_week`` figures, else None."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if isinstance(value, dict) and isinstance(value.get("this_week"), dict):
            return value
    return None


def _hours(value: Any) -> str:
    return f"{float(value):g} h"


def _share(value: Any) -> str:
    return f"{round(float(value) * 100)} %"


def weekly_note(figures: Json) -> Json:
    """Headline, two to four observations and a focus, each citing the figures."""
    week: Json = figures.get("this_week") or {}
    before: Json = figures.get("previous_week") or {}
    dora: Json = figures.get("dora") or {}
    team = str(figures.get("team") or "The team")
    merged, cycle = week.get("prs_merged") or 0, week.get("cycle_time_median_hours")
    headline = f"{team}: {merged} pull requests merged" + (
        f", median cycle time {_hours(cycle)}" if cycle is not None else ""
    )
    observations = [f"{week.get('prs_opened') or 0} pull requests opened and {merged} merged."]
    if cycle is not None and before.get("cycle_time_median_hours") is not None:
        observations.append(
            f"Median cycle time {_hours(cycle)} against {_hours(before['cycle_time_median_hours'])} the week "
            "before."
        )
    if week.get("linkage_rate") is not None:
        observations.append(f"{_share(week['linkage_rate'])} of opened pull requests link to a Jira issue.")
    if week.get("ai_assisted_share") is not None:
        observations.append(f"{_share(week['ai_assisted_share'])} of merged pull requests were AI-assisted.")
    if dora:
        observations.append(
            f"{dora.get('deployments') or 0} production deployments "
            f"(deployment frequency band {dora.get('deployment_frequency_band') or 'n/a'})."
        )
    if len(observations) < 2:
        observations.append(f"{week.get('reviews_given') or 0} reviews given.")
    phases = [(week.get(column), name) for column, name in PHASES if week.get(column) is not None]
    if phases:
        hours, name = max(phases, key=lambda phase: float(phase[0]))
        focus = f"Shorten {name} time, the longest phase of the cycle ({_hours(hours)} median)."
    else:
        focus = "Merge work in small pull requests so cycle times can be measured."
    return {"headline": headline, "observations": observations[:4], "suggested_focus": focus}


def note_answer(text: str, schema: Json | None) -> Json | None:
    """The note when the prompt holds weekly figures and the schema (if any) asks for a note's fields."""
    if schema is not None and not NOTE_FIELDS <= set((schema.get("properties") or {}).keys()):
        return None
    figures = figures_in(text)
    return None if figures is None else weekly_note(figures)
