"""GitHub's naming rules for the scope names Dexxy reads from the environment, and URL path segments.

Names from GITHUB_ORGS / GITHUB_REPOS end up in request paths; a value such as ``x/repos?y=`` would read
another endpoint. Names are checked against GitHub's rules up front (one line naming the variable and the
value), and every path segment is percent-quoted as well, so a name can never change the path's shape.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from resources.github_errors import GitHubConfigError

# A user or organisation login: letters, digits and single hyphens, no hyphen first or last, ≤ 39 characters.
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
# A repository name: letters, digits, '.', '_' and '-', ≤ 100 characters, never "." or "..".
_REPO_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")


def is_login(name: str) -> bool:
    return _LOGIN.fullmatch(name) is not None


def is_repo_name(name: str) -> bool:
    return _REPO_NAME.fullmatch(name) is not None and name not in (".", "..")


def validate_orgs(orgs: tuple[str, ...], source: str) -> None:
    """Raise a one-line GitHubConfigError for the first org that is not a GitHub login."""
    for org in orgs:
        if not is_login(org):
            raise GitHubConfigError(
                f"{source} has {org!r}, which is not a GitHub organisation name (letters, digits and single "
                "hyphens, at most 39 characters)"
            )


def validate_repos(repos: tuple[str, ...], source: str) -> None:
    """Raise a one-line GitHubConfigError for the first entry that is not ``owner/name``."""
    for full_name in repos:
        owner, slash, name = full_name.partition("/")
        if not slash or not is_login(owner) or not is_repo_name(name):
            raise GitHubConfigError(
                f"{source} has {full_name!r}, which is not owner/name (owner: letters, digits and single "
                "hyphens, at most 39; name: letters, digits, '.', '_', '-', at most 100, not '.' or '..')"
            )


def api_path(*segments: str | int) -> str:
    """A REST path from segments, each percent-quoted (a '/' or '?' inside a name stays inside it);
    an ``owner/name`` is passed as two segments."""
    return "/".join(quote(str(segment), safe="") for segment in segments)


def repo_path(full_name: str, *segments: str | int) -> str:
    """``repos/{owner}/{name}/…`` for a full name, each part quoted."""
    owner, _, name = full_name.partition("/")
    return api_path("repos", owner, name, *segments)
