"""The optional teams file (`DEXXY_TEAMS_FILE`): teams for people outside GitHub teams.

```yaml
teams:
  - name: Design                      # a team of its own: team_key config:Design
    parent: github:acme/platform      # optional: a github:<org>/<slug> or config:<name> key
    members:
      - alice                         # a GitHub login
      - {login: bob, role: maintainer}
  - github_team: acme/payments        # people added to a GitHub team they are not in on GitHub
    members: [carol]
```

A bad entry is skipped and counted as a `teams_file.*` problem; the rest loads. A missing or unreadable
file is a problem too, never a crash: the GitHub teams still load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dexxy_assets.problems import ProblemLog
from resources.environment import env_value

TEAMS_FILE_VARIABLE = "DEXXY_TEAMS_FILE"
ROLES = ("member", "maintainer")
_GITHUB_TEAM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_KEY = re.compile(r"^(github:[^/\s]+/\S+|config:.+)$")


@dataclass
class TeamsFile:
    """What the file defines: config teams (team_key → (name, parent key)) and (team_key, login, role)."""

    teams: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    members: dict[tuple[str, str], str] = field(default_factory=dict)


def configured_path() -> Path | None:
    value = env_value(TEAMS_FILE_VARIABLE)
    return Path(value).expanduser() if value else None


def read_teams_file(path: Path | None, problems: ProblemLog) -> TeamsFile:
    """The file's teams and members; nothing (and no problem) when no file is configured."""
    found = TeamsFile()
    if path is None:
        return found
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        problems.add("teams_file.unreadable", example=f"{path}: {error.strerror}")
        return found
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.add("teams_file.invalid_yaml", example=str(error).splitlines()[0])
        return found
    entries = document.get("teams") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        problems.add("teams_file.no_teams_list", example=document)
        return found
    for entry in entries:
        _read_entry(entry, found, problems)
    return found


def _read_entry(entry: Any, found: TeamsFile, problems: ProblemLog) -> None:
    if not isinstance(entry, dict):
        problems.add("teams_file.entry_not_mapping", example=entry)
        return
    key = _team_key(entry, found, problems)
    if key is None:
        return
    members = entry.get("members", [])
    if not isinstance(members, list):
        problems.add("teams_file.members_not_list", example=entry)
        return
    for member in members:
        login, role = _member(member, problems)
        if login is not None:
            found.members[(key, login)] = role


def _team_key(entry: dict, found: TeamsFile, problems: ProblemLog) -> str | None:
    name, github_team = entry.get("name"), entry.get("github_team")
    if (name is None) == (github_team is None):
        problems.add("teams_file.entry_without_team", example=entry)
        return None
    if github_team is not None:
        if not isinstance(github_team, str) or not _GITHUB_TEAM.match(github_team.strip()):
            problems.add("teams_file.github_team_invalid", example=github_team)
            return None
        org, _, slug = github_team.strip().partition("/")
        return f"github:{org.lower()}/{slug.lower()}"
    if not isinstance(name, str) or not name.strip():
        problems.add("teams_file.name_invalid", example=name)
        return None
    key = f"config:{name.strip()}"
    parent = entry.get("parent")
    if parent is not None and (not isinstance(parent, str) or not _KEY.match(parent.strip())):
        problems.add("teams_file.parent_invalid", example=parent)
        parent = None
    if key in found.teams:
        problems.add("teams_file.duplicate_team", example=name)  # members of both entries are kept
    found.teams[key] = (name.strip(), parent.strip() if isinstance(parent, str) else None)
    return key


def _member(member: Any, problems: ProblemLog) -> tuple[str | None, str]:
    login, role = (member, "member") if isinstance(member, str) else (None, "member")
    if isinstance(member, dict):
        login, role = member.get("login"), member.get("role", "member")
    if not isinstance(login, str) or not login.strip():
        problems.add("teams_file.member_invalid", example=member)
        return None, role
    if role not in ROLES:
        problems.add("teams_file.role_invalid", example=member)
        role = "member"
    return login.strip().lower(), role
