"""Slack's Web API on the shared HTTP client. Slack answers HTTP 200 with ``{"ok": false, "error": "..."}``
for most refusals (``slack_client`` reads those); what reaches the adapter is the HTTP layer: 429 with
``Retry-After`` (its rate-limit tiers), 5xx, and a body's ``error`` as the service's words."""

from __future__ import annotations

import httpx

from resources.http.adapter import ServiceAdapter
from resources.http.auth import Credentials


class SlackAdapter(ServiceAdapter):
    name = "Slack"
    base_url_env = "SLACK_API_URL"

    def __init__(self, credentials: Credentials | None) -> None:
        super().__init__(credentials)

    def default_headers(self) -> dict[str, str]:
        return {"Accept": "application/json", "User-Agent": "dexxy"}

    def service_message(self, response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return response.reason_phrase or ""
        return str(body.get("error", "")) if isinstance(body, dict) else ""
