"""Who counts as a bot: one definition for every table."""

from __future__ import annotations

BOT_LOGINS = frozenset({"dependabot", "renovate", "github-actions", "copilot", "snyk-bot", "mergify"})


def is_bot_account(login: str | None, account_type: str | None) -> bool:
    if account_type == "Bot":
        return True
    if not login:
        return False
    lowered = login.lower()
    return lowered.endswith("[bot]") or lowered in BOT_LOGINS
