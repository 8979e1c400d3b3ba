"""Atlassian Document Format (Jira Cloud's rich text) to plain text, losing no text.

Known block nodes become lines, known inline nodes their text (mentions as ``@Name``). A node type the
converter does not know is never dropped: its text (from ``text``/``attrs.text`` and its children) is kept
and the type is reported, so a new Atlassian node costs formatting, not content.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_BLOCKS = frozenset(
    {
        "doc", "paragraph", "heading", "blockquote", "bulletList", "orderedList", "listItem", "codeBlock",
        "panel", "table", "tableRow", "tableCell", "tableHeader", "expand", "nestedExpand", "taskList",
        "taskItem", "decisionList", "decisionItem", "mediaSingle", "mediaGroup", "layoutSection",
        "layoutColumn",
    }
)  # fmt: skip
_INLINE_CONTAINERS = frozenset(
    {"paragraph", "heading", "codeBlock", "taskItem", "decisionItem"}
)  # inline only
_INLINE = frozenset(
    {"text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status", "media", "rule"}
)


def adf_to_text(document: Any, unknown: Callable[[str], None] | None = None) -> str | None:
    """The document's text, blocks separated by newlines; ``unknown(node_type)`` is called per unknown node.

    A plain string (REST v2, wiki markup) is returned as it is; None stays None.
    """
    if document is None or isinstance(document, str):
        return document
    lines: list[str] = []
    _block(document, lines, unknown)
    return "\n".join(line.rstrip() for line in lines if line.strip())


def _block(node: Any, lines: list[str], unknown: Callable[[str], None] | None) -> None:
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    children = node.get("content") if isinstance(node.get("content"), list) else []
    if kind in _INLINE:
        lines.append(_inline(node, unknown))
        return
    if kind not in _BLOCKS and unknown is not None:
        unknown(str(kind))
    if kind not in _BLOCKS and not children:
        lines.append(_inline(node, None))  # an unknown leaf: whatever text it carries (counted above)
        return
    if kind in _INLINE_CONTAINERS or (
        children and all(isinstance(c, dict) and c.get("type") in _INLINE for c in children)
    ):
        prefix = "- " if kind == "listItem" else ""
        lines.append(prefix + "".join(_inline(c, unknown) for c in children if isinstance(c, dict)))
        return
    for child in children:
        if isinstance(child, dict) and child.get("type") in _INLINE:
            lines.append(_inline(child, unknown))
        else:
            _block(child, lines, unknown)


def _inline(node: dict[str, Any], unknown: Callable[[str], None] | None) -> str:
    kind = node.get("type")
    attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
    if kind == "text":
        return str(node.get("text") or "")
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        label = str(attrs.get("text") or attrs.get("id") or "")
        return label if label.startswith("@") else f"@{label}"
    if kind == "emoji":
        return str(attrs.get("text") or attrs.get("shortName") or "")
    if kind == "inlineCard":
        return str(attrs.get("url") or "")
    if kind == "status":
        return str(attrs.get("text") or "")
    if kind in ("date", "media", "rule"):
        return str(attrs.get("timestamp") or "") if kind == "date" else ""
    if unknown is not None:
        unknown(str(kind))
    own = node.get("text") or attrs.get("text") or ""
    children = node.get("content") if isinstance(node.get("content"), list) else []
    return str(own) + "".join(_inline(c, None) for c in children if isinstance(c, dict))
