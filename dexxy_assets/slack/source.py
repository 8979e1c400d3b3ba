"""Slack PR surveys as a registered source: a bot asks the people behind each merged pull request whether
they used AI on it; the receiver stores their answers (sensors/slack_interactivity.py)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.slack.asset_settings import SETTINGS
from dexxy_assets.slack.marts import SLACK_MARTS
from dexxy_assets.slack.survey_asset import build_survey_asset
from dexxy_assets.source_contract import Source
from resources.slack import SlackResource

ENV_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
    "DEXXY_SURVEY_OPT_OUT",
    "DEXXY_SURVEY_REVIEWERS",
    "DEXXY_SURVEY_MAX_AGE_HOURS",
    "DEXXY_SURVEY_GITHUB_COMMENT",
)


def build(partitions: dg.TimeWindowPartitionsDefinition) -> dg.Definitions:
    return dg.Definitions(assets=[build_survey_asset(partitions)])


SLACK = Source(
    name="slack",
    settings=SETTINGS,
    env_vars=ENV_VARS,
    build=build,
    resources=lambda: {"slack": SlackResource()},
    marts=SLACK_MARTS,
)
