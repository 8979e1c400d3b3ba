"""The registered sources, in the order they are built (a later source may read an earlier one's
published tables: Jira's staging derives the pull requests' Jira keys). Adding a source is one line here
and a folder of its own (see source_contract.py)."""

from __future__ import annotations

from dexxy_assets.copilot.source import COPILOT
from dexxy_assets.github.source import GITHUB
from dexxy_assets.jira.source import JIRA
from dexxy_assets.slack.source import SLACK
from dexxy_assets.source_contract import Source


def registered_sources() -> tuple[Source, ...]:
    return (GITHUB, COPILOT, JIRA, SLACK)
