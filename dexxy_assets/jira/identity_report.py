"""Who was matched to whom, for the identity asset's metadata: counts per method and every person left
unmatched on either side, by name (people are never dropped, so they must be visible)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text

_MEMBERS = text(
    "SELECT coalesce(jira_match_method, 'bot') AS method, github_login FROM analytics.team_members "
    "ORDER BY github_login"
)
_ACCOUNTS = text(
    "SELECT match_method, coalesce(display_name, account_id) AS name, account_type FROM analytics.jira_users "
    "ORDER BY 2"
)


@dataclass
class IdentityReport:
    members_by_method: dict[str, int] = field(default_factory=dict)
    unmatched_members: list[str] = field(default_factory=list)  # GitHub logins without a Jira account
    ambiguous_members: list[str] = field(default_factory=list)
    unmatched_accounts: list[str] = field(default_factory=list)  # Jira people without a team member

    def metadata(self) -> dict[str, object]:
        return {
            "members_by_jira_match_method": self.members_by_method,
            "members_without_jira_account": self.unmatched_members,
            "members_with_ambiguous_jira_candidates": self.ambiguous_members,
            "jira_accounts_without_member": self.unmatched_accounts,
        }


def identity_report(conn: Connection) -> IdentityReport:
    """Read from the built marts (analytics.team_members and analytics.jira_users)."""
    report = IdentityReport()
    for method, login in conn.execute(_MEMBERS):
        report.members_by_method[method] = report.members_by_method.get(method, 0) + 1
        if method == "unmatched":
            report.unmatched_members.append(login)
        elif method == "ambiguous":
            report.ambiguous_members.append(login)
    for method, name, account_type in conn.execute(_ACCOUNTS):
        if method in ("unmatched", "ambiguous") and account_type in (None, "atlassian"):
            report.unmatched_accounts.append(name)
    return report
