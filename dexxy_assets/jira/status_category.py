"""A status's category decides whether work is to do, in progress or done; its name is only a label.

Admins rename statuses freely ("Completed" left in the In Progress category), so the marts trust the
category and this check counts statuses whose name says otherwise.
"""

from __future__ import annotations

CATEGORIES = frozenset({"new", "indeterminate", "done"})
_DONE_WORDS = ("done", "closed", "resolved", "complete", "fixed", "released", "shipped")
_TO_DO_NAMES = ("to do", "todo", "open", "backlog", "new")


def name_suggests(name: str) -> str | None:
    """The category a status name suggests, or None when the name says nothing clear."""
    lowered = " ".join(name.lower().split())
    if any(word in lowered for word in _DONE_WORDS):
        return "done"
    if lowered in _TO_DO_NAMES:
        return "new"
    if "progress" in lowered or "review" in lowered:
        return "indeterminate"
    return None


def disagrees(name: str | None, category: str | None) -> bool:
    suggested = name_suggests(name or "")
    return suggested is not None and category is not None and suggested != category
