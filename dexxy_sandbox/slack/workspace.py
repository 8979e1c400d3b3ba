"""The Slack workspace of the synthetic org: one Slack user per current engineer, known by their work
address, except a seeded share who never joined Slack (``users.lookupByEmail``: ``users_not_found``)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from dexxy_sandbox.org.model import Account, SyntheticOrg

TEAM_ID = "T0DEXXY01"
WORK_DOMAIN = "dexxy.example"


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    real_name: str
    email: str
    github_login: str  # the sandbox's own ground truth, never shown by the API

    def as_api(self) -> dict[str, object]:
        """The user object of users.lookupByEmail (the fields a client reads)."""
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "deleted": False,
            "real_name": self.real_name,
            "tz": "Etc/UTC",
            "is_bot": False,
            "is_app_user": False,
            "profile": {"real_name": self.real_name, "display_name": self.name, "email": self.email},
        }


def work_email(account: Account) -> str:
    """The address Slack knows an engineer by: the work address they commit with, else one from their name."""
    if account.email and account.email.endswith("@" + WORK_DOMAIN):
        return account.email
    first, _, last = (account.name or account.login).partition(" ")
    return f"{_ascii(first)}.{_ascii(last)}@{WORK_DOMAIN}"


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return folded.replace(" ", "")


@dataclass(frozen=True)
class SlackWorkspace:
    users: tuple[SlackUser, ...]
    without_slack: tuple[str, ...]  # logins of engineers with no Slack account

    def by_email(self, email: str) -> SlackUser | None:
        wanted = email.strip().lower()
        return next((user for user in self.users if user.email.lower() == wanted), None)

    def by_id(self, user_id: str) -> SlackUser | None:
        return next((user for user in self.users if user.id == user_id), None)


def build_workspace(org: SyntheticOrg, seed: int, without_slack_share: float = 0.15) -> SlackWorkspace:
    rng = random.Random(f"slack-workspace-{seed}")
    members = [account for account in org.members()]
    missing = max(1, round(len(members) * without_slack_share)) if len(members) >= 4 else 0
    absent = {account.login for account in rng.sample(members, missing)} if missing else set()
    users = tuple(
        SlackUser(
            id=f"U{rng.getrandbits(40):010X}",
            name=account.login.lower(),
            real_name=account.name or account.login,
            email=work_email(account),
            github_login=account.login,
        )
        for account in members
        if account.login not in absent
    )
    return SlackWorkspace(users, tuple(sorted(absent)))
