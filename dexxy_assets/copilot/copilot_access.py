"""Copilot is optional: an org without it answers the Copilot endpoints with 404 (no Copilot there), 403 (a
token without the Copilot scope, an app without the Copilot permission) or 422 (Copilot or its metrics not
enabled). Those answers make the org's Copilot assets empty with the reason — in their metadata, in
ops.sync_log and in a WARN check — instead of failing the run and everything else with it. Any other failure
(401, rate limits, an unreachable API) still fails the asset."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from resources.github_client import GitHubClient
from resources.github_errors import GitHubError
from resources.github_names import api_path

CHECK_NAME = "copilot_available"
CHECK_DESCRIPTION = (
    "GitHub answered the Copilot endpoints for every organisation in scope. WARN, with the reason, when an "
    "org has no Copilot, Copilot is not enabled, or the token lacks the Copilot scope: its Copilot data is "
    "then empty and the rest of the run loads."
)
UNAVAILABLE_STATUS = "copilot_unavailable"  # ops.sync_log.status of such a materialization
_MEANING = {
    404: "the org has no Copilot subscription, or the token cannot see it",
    403: "the token lacks the Copilot scope (classic token: manage_billing:copilot or read:org; GitHub App: "
    "the organization Copilot permission)",
    422: "Copilot, or its usage metrics, is not enabled for the org",
}


def unavailable_reason(org: str, error: GitHubError) -> str | None:
    """Why Copilot is unavailable for ``org``, or None when ``error`` is a real failure to raise."""
    meaning = _MEANING.get(error.status or 0)
    if meaning is None:
        return None
    said = f" {error.service_message}" if error.service_message else ""
    return f"Copilot unavailable for {org} ({error.status}{said}): {meaning}"


def probe(client: GitHubClient, org: str) -> str | None:
    """One request to the seats endpoint: the reason Copilot is unavailable for ``org``, or None."""
    try:
        client.request("GET", api_path("orgs", org, "copilot", "billing", "seats"), {"per_page": 1})
    except GitHubError as exc:
        reason = unavailable_reason(org, exc)
        if reason is None:
            raise
        return reason
    return None


def check_spec(key: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(CHECK_NAME, asset=key, description=CHECK_DESCRIPTION)


@dataclass
class CopilotAvailability:
    """The orgs whose Copilot endpoints answered "not here", with the reason."""

    unavailable: dict[str, str] = field(default_factory=dict)

    def add(self, org: str, reason: str, log: Any = None) -> None:
        self.unavailable[org] = reason
        if log is not None:
            log.warning(f"{reason}; its Copilot data stays as it was, the rest of the run goes on")

    def answered(self, orgs: list[str]) -> list[str]:
        return [org for org in orgs if org not in self.unavailable]

    @property
    def sync_status(self) -> str:
        return UNAVAILABLE_STATUS if self.unavailable else "success"

    def reason(self) -> str:
        return "; ".join(self.unavailable.values())

    def sync_detail(self) -> dict[str, Any]:
        return {"copilot_unavailable": dict(self.unavailable)} if self.unavailable else {}

    def metadata(self) -> dict[str, Any]:
        if not self.unavailable:
            return {"copilot_available": True}
        reason = dg.MetadataValue.text(self.reason())
        return {"copilot_available": False, "copilot_unavailable_reason": reason}

    def check_result(self) -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            check_name=CHECK_NAME,
            passed=not self.unavailable,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"unavailable_orgs": len(self.unavailable), "reason": self.reason() or "none"},
        )
