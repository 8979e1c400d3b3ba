"""Atlassian accounts, from ``/users/search`` and from the user references on issues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dexxy_assets.payload_fields import FieldReader

FORMER_USER = "Former user"  # how Jira Cloud renders a deleted account


@dataclass(frozen=True)
class JiraUserRecord:
    account_id: str
    display_name: str | None
    email: str | None
    account_type: str | None
    active: bool | None
    time_zone: str | None

    @property
    def deleted(self) -> bool:
        return self.display_name == FORMER_USER and self.active is False

    def row(self, site: str, listed: bool) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "site": site,
            "display_name": self.display_name,
            "email": self.email,
            "account_type": self.account_type,
            "active": self.active,
            "time_zone": self.time_zone,
            "is_listed": listed,
        }


def parse_user(reader: FieldReader) -> JiraUserRecord | None:
    """A user (or a user reference); None, counted, without an account id."""
    account_id = reader.text("accountId")
    if not account_id:
        reader.problem("accountId_missing")
        return None
    return JiraUserRecord(
        account_id=account_id,
        display_name=reader.text("displayName"),
        email=reader.text("emailAddress"),
        account_type=reader.text("accountType"),
        active=reader.boolean("active"),
        time_zone=reader.text("timeZone"),
    )
