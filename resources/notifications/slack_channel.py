"""Slack incoming webhook: one message per alert. The webhook URL is the secret (whoever has it may post),
so errors say "the Slack webhook", never the URL (httpx's own messages would print it)."""

from __future__ import annotations

import httpx

from resources.notifications.alert import Alert, Severity
from resources.notifications.delivery_error import DeliveryError

_ICON = {Severity.ERROR: ":rotating_light:", Severity.WARNING: ":warning:"}


class SlackChannel:
    name = "slack"

    def __init__(self, webhook_url: str, timeout: float) -> None:
        self._webhook_url = webhook_url
        self.timeout = timeout

    def __repr__(self) -> str:
        return "SlackChannel(webhook=<secret>)"

    @staticmethod
    def payload(alert: Alert) -> dict[str, object]:
        text = f"{_ICON[alert.severity]} *{alert.subject}*\n{alert.body()}"
        return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}

    def send(self, alert: Alert) -> None:
        try:
            response = httpx.post(self._webhook_url, json=self.payload(alert), timeout=self.timeout)
        except httpx.HTTPError as error:
            raise DeliveryError(f"Slack webhook unreachable: {type(error).__name__}") from None
        if response.status_code != 200:
            # Slack answers a short reason in plain text (invalid_payload, no_service, …)
            reason = response.text.strip().splitlines()[0][:80] if response.text.strip() else ""
            raise DeliveryError(f"Slack webhook answered {response.status_code} {reason}".rstrip())
