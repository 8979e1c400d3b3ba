"""The PR survey as a comment on the merged pull request, shared by the sender (``dexxy_assets/slack``) and
the reader of replies: the comment's text, and the ``/ai`` command a reply answers with.

The comment names the author (``@login``, so GitHub notifies them whether or not they use Slack) and asks the
Slack survey's question; the answer is a reply whose text starts with ``/ai none``, ``/ai some`` or
``/ai most``, optionally followed by the tools (``/ai some copilot cursor``). No line of the comment itself
starts with ``/ai``, so Dexxy never reads its own question as an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from resources.slack_survey_message import ANSWERS, TOOL_LABELS, TOOLS, SurveyedPullRequest

COMMAND = "/ai"
# a reply is a survey command when its text starts with /ai (case-insensitive) and a space or the end
COMMAND_PATTERN = r"^\s*/ai(\s|$)"
_COMMAND = re.compile(COMMAND_PATTERN, re.IGNORECASE)
_TOOL_ALIASES = {"gpt": "chatgpt", "openai": "chatgpt", "github-copilot": "copilot", "claude-code": "claude"}


def comment_body(login: str, pr: SurveyedPullRequest) -> str:
    """The comment's Markdown: the question to the author, and how to answer by a reply."""
    tools = ", ".join(f"`{tool}`" for tool in TOOLS)
    return (
        f"@{login} thanks for {pr.repository}#{pr.number}! One quick question from Dexxy: "
        "**did you use AI tools on this pull request?**\n\n"
        f"Answer with a reply whose text is `{COMMAND} none`, `{COMMAND} some` or `{COMMAND} most`, "
        f"optionally followed by the tools you used ({tools}), for example `{COMMAND} some copilot`.\n\n"
        "One answer per pull request (the first counts); it feeds the team's AI-usage figures, never a "
        "person's rating."
    )


@dataclass(frozen=True)
class SurveyCommand:
    """A reply's ``/ai`` command; ``answer`` None when it is malformed."""

    answer: str | None
    tools: tuple[str, ...] = ()


def is_command(body: str | None) -> bool:
    return bool(body) and _COMMAND.match(body or "") is not None


def read_command(body: str) -> SurveyCommand:
    """``/ai <none|some|most> [tools…]`` from a reply that ``is_command``: the answer (None when missing or
    not one of the three), and the tools named after it (canonical names; a word Dexxy does not know counts as
    ``other``, so a tool added tomorrow still says "AI was used")."""
    words = re.split(r"[\s,]+", body.strip())[1:]
    words = [word.strip("`.;:!").lower() for word in words if word.strip("`.;:!")]
    if not words or words[0] not in ANSWERS:
        return SurveyCommand(None)
    labels = {label.lower().replace(" ", "-"): tool for tool, label in TOOL_LABELS.items()}
    found = {_TOOL_ALIASES.get(word, labels.get(word, word)) for word in words[1:]}
    return SurveyCommand(words[0], tuple(sorted(tool if tool in TOOLS else "other" for tool in found)))
