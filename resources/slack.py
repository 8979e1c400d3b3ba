"""The Slack app that sends the PR surveys, as a Dagster resource. Unset fields fall back to the environment
when a run starts (never when definitions load), so the bot token never lands in run config or the event log.

Without SLACK_BOT_TOKEN *and* SLACK_SIGNING_SECRET there are no surveys: a survey whose answers the receiver
could not verify is not worth sending (``not_configured_reason``)."""

from __future__ import annotations

from collections.abc import Callable

import dagster as dg
from pydantic import Field

from resources.environment import env_list, env_value
from resources.http.auth import BearerAuth
from resources.http.client import HttpClient
from resources.http.errors import ConfigError
from resources.http.retry_policy import RetryPolicy
from resources.slack_adapter import SlackAdapter
from resources.slack_client import SlackClient

DEFAULT_API_URL = "https://slack.com/api"
DEFAULT_MAX_AGE_HOURS = 72.0
_TRUE = {"1", "true", "yes", "on"}


class SlackResource(dg.ConfigurableResource):
    """Slack Web API access for the PR survey, and the survey's settings."""

    bot_token: str | None = Field(default=None, description="Bot token (xoxb-); unset → SLACK_BOT_TOKEN.")
    signing_secret: str | None = Field(
        default=None, description="Signing secret of the app; unset → SLACK_SIGNING_SECRET."
    )
    api_url: str | None = Field(default=None, description="Web API root; unset → SLACK_API_URL → Slack's.")
    opt_out: list[str] | None = Field(
        default=None, description="E-mails or GitHub logins never asked; unset → DEXXY_SURVEY_OPT_OUT."
    )
    ask_reviewers: bool | None = Field(default=None, description="Unset → DEXXY_SURVEY_REVIEWERS (false).")
    max_age_hours: float | None = Field(
        default=None, description="Merged longer ago: not asked; unset → DEXXY_SURVEY_MAX_AGE_HOURS (72)."
    )
    github_comment: bool | None = Field(
        default=None,
        description="Ask on the pull request those Slack cannot reach; unset → DEXXY_SURVEY_GITHUB_COMMENT.",
    )
    timeout_seconds: float = 30.0

    def github_comments(self) -> bool:
        """The survey as a comment on the pull request for authors Slack cannot reach (all, without Slack)."""
        if self.github_comment is not None:
            return self.github_comment
        return (env_value("DEXXY_SURVEY_GITHUB_COMMENT") or "").lower() in _TRUE

    def survey_off_reason(self) -> str | None:
        """Why the survey asset does nothing: neither Slack nor the GitHub comment is set up."""
        return None if self.github_comments() else self.not_configured_reason()

    def not_configured_reason(self) -> str | None:
        missing = [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.bot_token or env_value("SLACK_BOT_TOKEN")),
                ("SLACK_SIGNING_SECRET", self.signing_secret or env_value("SLACK_SIGNING_SECRET")),
            )
            if not value
        ]
        if not missing:
            return None
        return (
            f"Slack surveys are off: {' and '.join(missing)} not set (set both to survey authors of merged "
            "pull requests, or DEXXY_SURVEY_GITHUB_COMMENT=true to ask on the pull request; see "
            "docs/operations.md, Slack surveys)"
        )

    def resolved_api_url(self) -> str:
        return (self.api_url or env_value("SLACK_API_URL") or DEFAULT_API_URL).rstrip("/")

    def opted_out(self) -> frozenset[str]:
        """Lower-case e-mails and logins of people never asked."""
        listed = self.opt_out if self.opt_out is not None else env_list("DEXXY_SURVEY_OPT_OUT")
        return frozenset(item.strip().lower() for item in listed if item.strip())

    def reviewers_asked(self) -> bool:
        if self.ask_reviewers is not None:
            return self.ask_reviewers
        return (env_value("DEXXY_SURVEY_REVIEWERS") or "").lower() in _TRUE

    def max_age(self) -> float:
        if self.max_age_hours is not None:
            return self.max_age_hours
        raw = env_value("DEXXY_SURVEY_MAX_AGE_HOURS")
        try:
            hours = float(raw) if raw is not None else DEFAULT_MAX_AGE_HOURS
        except ValueError:
            hours = -1.0
        if hours < 0:
            raise ConfigError(f"DEXXY_SURVEY_MAX_AGE_HOURS must be a number of hours, not {raw!r}")
        return hours

    def client(self, sleep: Callable[[float], None] | None = None) -> SlackClient:
        token = self.bot_token or env_value("SLACK_BOT_TOKEN")
        if not token:
            raise ValueError("SLACK_BOT_TOKEN is not set")
        url = self.resolved_api_url()
        extra = {"sleep": sleep} if sleep is not None else {}

        def http(retry: RetryPolicy) -> HttpClient:
            adapter = SlackAdapter(BearerAuth(token))
            return HttpClient(url, adapter, timeout_seconds=self.timeout_seconds, retry=retry, **extra)

        # a message may have reached Slack when a POST times out or answers 5xx: never post it again
        return SlackClient(reads=http(RetryPolicy()), writes=http(RetryPolicy(max_retries=0)))
