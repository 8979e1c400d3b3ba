"""The Slack emulator: the Web API methods the PR survey calls, and people answering the surveys."""

from dexxy_sandbox.slack.api import SlackApi, SlackConfig
from dexxy_sandbox.slack.respondent import RespondentConfig

__all__ = ["RespondentConfig", "SlackApi", "SlackConfig"]
