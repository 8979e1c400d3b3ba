"""Atlassian Document Format to text: known nodes formatted, unknown nodes kept as text and reported."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexxy_assets.jira.adf_text import adf_to_text
from dexxy_assets.jira.comment_records import parse_comment
from dexxy_assets.problems import ProblemLog


def _doc(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "doc", "version": 1, "content": list(content)}


def _para(*inline: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(inline)}


def _text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def test_known_nodes_become_lines_mentions_and_code() -> None:
    doc = _doc(
        _para(
            {"type": "mention", "attrs": {"id": "abc", "text": "@Ana Lima"}},
            _text(" please look"),
            {"type": "hardBreak"},
            _text("second line"),
        ),
        {"type": "codeBlock", "attrs": {"language": "shell"}, "content": [_text("make demo")]},
        {
            "type": "bulletList",
            "content": [
                {"type": "listItem", "content": [_para(_text("one"))]},
                {"type": "listItem", "content": [_para(_text("two"))]},
            ],
        },
    )
    unknown: list[str] = []
    assert adf_to_text(doc, unknown.append) == "@Ana Lima please look\nsecond line\nmake demo\none\ntwo"
    assert unknown == []


def test_unknown_block_and_inline_nodes_keep_their_text_and_are_reported_once_each() -> None:
    doc = _doc(
        _para(_text("Before "), {"type": "placeholderish", "attrs": {"text": "Fill me"}}, _text(" after")),
        {
            "type": "bodiedExtension",
            "attrs": {"extensionKey": "release-checklist"},
            "content": [_para(_text("Checklist: rollback plan ready"))],
        },
        {"type": "futureLeaf", "text": "leaf text"},
        {"type": "emptyThing"},
    )
    unknown: list[str] = []
    text = adf_to_text(doc, unknown.append)
    assert text == "Before Fill me after\nChecklist: rollback plan ready\nleaf text"
    assert sorted(unknown) == ["bodiedExtension", "emptyThing", "futureLeaf", "placeholderish"]


def test_plain_text_bodies_and_missing_bodies_pass_through() -> None:
    assert adf_to_text("[~accountid:abc] wiki markup") == "[~accountid:abc] wiki markup"
    assert adf_to_text(None) is None
    assert adf_to_text({"type": "doc", "content": "not a list"}) == ""


def test_a_comment_with_an_unknown_node_is_staged_with_its_text_and_counted() -> None:
    problems = ProblemLog()
    payload = {
        "id": "10500",
        "author": {"accountId": "abc"},
        "created": "2026-03-02T10:15:00.000-0800",
        "body": _doc(
            _para(_text("Shipped.")), {"type": "bodiedExtension", "content": [_para(_text("Kept"))]}
        ),
    }
    comment = parse_comment(payload, 42, problems, dt.date(2026, 3, 2))
    assert comment is not None
    assert comment.body_text == "Shipped.\nKept"
    assert comment.created_at == dt.datetime(2026, 3, 2, 18, 15, tzinfo=dt.UTC)  # -0800 without a colon
    assert problems.by_problem() == {"jira_comment.adf_unknown_node": 1}
