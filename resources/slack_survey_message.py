"""The survey message, shared by the sender (``dexxy_assets/slack``) and the receiver
(``sensors/slack_interactivity.py``): its Block Kit blocks, and how a click names its pull request and answer.

One message per pull request and person: three buttons (none / some / most) whose value is
``<pr_id>:<answer>``, and checkboxes of tools read from the payload's ``state`` when a button is clicked
(ticking a box alone also sends a payload; it is acknowledged and read with the answer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ANSWER_ACTION = "dexxy_survey_answer"
TOOLS_ACTION = "dexxy_survey_tools"
ANSWERS = ("none", "some", "most")
ANSWER_LABELS = {"none": "None", "some": "Some", "most": "Most of it"}
TOOLS = ("copilot", "cursor", "claude", "chatgpt", "codex", "gemini", "other")
TOOL_LABELS = {
    "copilot": "GitHub Copilot",
    "cursor": "Cursor",
    "claude": "Claude",
    "chatgpt": "ChatGPT",
    "codex": "Codex",
    "gemini": "Gemini",
    "other": "Other",
}
METADATA_EVENT = "dexxy_pr_survey"


@dataclass(frozen=True)
class SurveyedPullRequest:
    pr_id: int
    repository: str
    number: int
    title: str
    url: str | None
    role: str  # author or reviewer


def survey_message(channel: str, pr: SurveyedPullRequest) -> dict[str, Any]:
    """The ``chat.postMessage`` body. ``metadata`` names the pull request for whoever reads the message
    through the API (Slack's message metadata); the buttons carry it for the click."""
    verb = "merged" if pr.role == "author" else "reviewed and saw merged"
    title = pr.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    link = f"<{pr.url}|{pr.repository}#{pr.number}>" if pr.url else f"{pr.repository}#{pr.number}"
    question = f"You {verb} {link}: *{title}*\nDid you use AI tools on this pull request?"
    return {
        "channel": channel,
        "text": f"Did you use AI tools on {pr.repository}#{pr.number}?",
        "unfurl_links": False,
        "metadata": {
            "event_type": METADATA_EVENT,
            "event_payload": {"pr_id": pr.pr_id, "repository": pr.repository, "number": pr.number},
        },
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": question}},
            {
                "type": "actions",
                "block_id": f"tools:{pr.pr_id}",
                "elements": [
                    {
                        "type": "checkboxes",
                        "action_id": TOOLS_ACTION,
                        "options": [
                            {"text": {"type": "plain_text", "text": TOOL_LABELS[tool]}, "value": tool}
                            for tool in TOOLS
                        ],
                    }
                ],
            },
            {
                "type": "actions",
                "block_id": f"answer:{pr.pr_id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"{ANSWER_ACTION}_{answer}",
                        "text": {"type": "plain_text", "text": ANSWER_LABELS[answer]},
                        "value": f"{pr.pr_id}:{answer}",
                    }
                    for answer in ANSWERS
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Tick the tools first, then answer. One answer per pull request; it feeds "
                        "the team's AI-usage figures, never a person's rating.",
                    }
                ],
            },
        ],
    }


@dataclass(frozen=True)
class ClickedAnswer:
    pr_id: int
    answer: str


def read_answer_value(value: object) -> ClickedAnswer | None:
    """``<pr_id>:<answer>`` from a button; None for anything else."""
    if not isinstance(value, str) or ":" not in value:
        return None
    pr_part, answer = value.split(":", 1)
    if not pr_part.isdigit() or answer not in ANSWERS:
        return None
    return ClickedAnswer(int(pr_part), answer)


def ticked_tools(state: object) -> list[str]:
    """The tools ticked in the message's checkboxes, from a block_actions payload's ``state.values``."""
    values = state.get("values") if isinstance(state, dict) else None
    found: set[str] = set()
    for block in (values or {}).values() if isinstance(values, dict) else ():
        element = block.get(TOOLS_ACTION) if isinstance(block, dict) else None
        options = element.get("selected_options") if isinstance(element, dict) else None
        for option in options or ():
            value = option.get("value") if isinstance(option, dict) else None
            if value in TOOLS:
                found.add(value)
    return sorted(found)
