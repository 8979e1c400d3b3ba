"""Alerts as a Dagster resource: the channels (e-mail over SMTP, a Slack incoming webhook, the log) and the
policy that routes each alert class to some of them.

Unset fields fall back to the environment when an alert is sent (SMTP_URL, DEXXY_ALERT_EMAIL_TO,
DEXXY_ALERT_EMAIL_FROM, SLACK_WEBHOOK_URL, DEXXY_ALERT_POLICY), so secrets never land in run config or the
event log; set a field with ``dg.EnvVar`` if you set it at all. With nothing configured, alerts go to the
log only. A channel that fails is reported on the log, by channel name and reason, never with its secret.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import dagster as dg
from pydantic import Field

from resources.environment import env_list, env_value
from resources.notifications.alert import Alert
from resources.notifications.delivery_error import DeliveryError
from resources.notifications.email_channel import EmailChannel, SmtpServer
from resources.notifications.log_channel import LogChannel
from resources.notifications.policy import DEFAULT_POLICY, AlertPolicy
from resources.notifications.slack_channel import SlackChannel

DEFAULT_SENDER = "dexxy@localhost"


class Channel(Protocol):
    name: str

    def send(self, alert: Alert) -> None: ...


@dataclass
class Delivery:
    """What happened to one alert: channels that took it, and those that failed with a secret-free reason."""

    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class NotificationResource(dg.ConfigurableResource):
    """Sends alerts to the channels the policy names for their class."""

    smtp_url: str | None = Field(
        default=None, description="smtp://user:password@host:587 or smtps://…; unset → SMTP_URL (EnvVar)."
    )
    email_to: list[str] | None = Field(default=None, description="Recipients; unset → DEXXY_ALERT_EMAIL_TO.")
    email_from: str | None = Field(default=None, description="Sender; unset → DEXXY_ALERT_EMAIL_FROM.")
    slack_webhook_url: str | None = Field(
        default=None, description="Incoming-webhook URL; unset → SLACK_WEBHOOK_URL. Prefer EnvVar."
    )
    policy: str | None = Field(
        default=None, description="CLASS=channel,…;*=…; unset → DEXXY_ALERT_POLICY → the default policy."
    )
    timeout_seconds: float = 10.0

    def resolved_policy(self) -> AlertPolicy:
        return AlertPolicy.parse(self.policy or env_value("DEXXY_ALERT_POLICY") or DEFAULT_POLICY)

    def channels(self, log: Any) -> dict[str, Channel]:
        """The configured channels by name; the log is always one."""
        channels: dict[str, Channel] = {"log": LogChannel(log)}
        smtp_url = self.smtp_url or env_value("SMTP_URL")
        recipients = self.email_to if self.email_to is not None else env_list("DEXXY_ALERT_EMAIL_TO")
        if smtp_url and recipients:
            sender = self.email_from or env_value("DEXXY_ALERT_EMAIL_FROM") or DEFAULT_SENDER
            channels["email"] = EmailChannel(
                SmtpServer.from_url(smtp_url), recipients, sender, self.timeout_seconds
            )
        webhook = self.slack_webhook_url or env_value("SLACK_WEBHOOK_URL")
        if webhook:
            channels["slack"] = SlackChannel(webhook, self.timeout_seconds)
        return channels

    def send(self, alert: Alert, log: Any = None) -> Delivery:
        """Send ``alert`` where the policy says; never raises for a channel that fails (the log has it)."""
        log = log or logging.getLogger("dexxy.alerts")
        delivery = Delivery()
        try:
            channels = self.channels(log)
            wanted = self.resolved_policy().channels_for(alert.alert_class)
        except (DeliveryError, ValueError) as error:  # a bad SMTP_URL or policy: the log still gets it
            delivery.failed["config"] = str(error)
            log.warning(f"alert channels misconfigured: {error}")
            channels, wanted = {"log": LogChannel(log)}, ("log",)
        for name in wanted:
            channel = channels.get(name)
            if channel is None:
                continue  # not configured: the policy may name channels a small install does not have
            try:
                channel.send(alert)
            except DeliveryError as error:
                delivery.failed[name] = str(error)
                log.warning(f"alert not delivered by {name}: {error}")
            else:
                delivery.delivered.append(name)
        return delivery
