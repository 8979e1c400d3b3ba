"""Slack incoming webhook: one message per alert. The webhook URL is the secret (whoever has it may post),
so errors say "the Slack webhook", never the URL. Posted with the standard library rather than httpx, whose
logger writes every request's full URL at INFO level: that would put the secret in the run's logs."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

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
        if not self._webhook_url.lower().startswith(("https://", "http://")):
            raise DeliveryError("SLACK_WEBHOOK_URL must be an http(s) URL")
        request = urllib.request.Request(
            self._webhook_url,
            data=json.dumps(self.payload(alert)).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            # Slack answers a short reason in plain text (invalid_payload, no_service, …)
            text = error.read().decode(errors="replace").strip()
            reason = text.splitlines()[0][:80] if text else ""
            raise DeliveryError(f"Slack webhook answered {error.code} {reason}".rstrip()) from None
        except (urllib.error.URLError, OSError) as error:
            cause = getattr(error, "reason", error)
            kind = getattr(cause, "strerror", None) or type(cause).__name__
            raise DeliveryError(f"Slack webhook unreachable: {kind}") from None
