"""Which Jira issue a pull request belongs to, from its title, branch and body.

A Jira key is a project key (a letter, then letters, digits or underscores; at least two characters) and an
issue number, e.g. ``PAY-123``. Precision first: look-alikes that are not issues are rejected — encodings and
hashes (UTF-8, SHA-256), standards (ISO-8601, RFC-7231), CVE ids and one-letter version tags (X-123, V-2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_KEY = r"[A-Z][A-Z0-9_]+-[1-9][0-9]{0,8}"
# A key stands alone: not glued to a letter/digit before, nor to a letter/digit/dot-digit after.
_STANDALONE = re.compile(rf"(?<![A-Za-z0-9_\-/.])({_KEY})(?![A-Za-z0-9_]|\.[0-9])")
# In a branch the key starts the name or follows a slash, and ends the name or meets - _ / or a dot that
# starts no version number (lodash-4.17.21 is a version, not LODASH-4).
_BRANCH = re.compile(rf"(?:^|/)({_KEY})(?=$|[-_/]|\.(?![0-9]))", re.IGNORECASE)
_BROWSE_URL = re.compile(rf"https?://[^\s/]+/browse/({_KEY})\b", re.IGNORECASE)

# Prefixes that look like project keys but name encodings, hashes, standards and advisories.
NOT_PROJECT_KEYS = frozenset(
    {
        "UTF",
        "UCS",
        "SHA",
        "MD",
        "ISO",
        "RFC",
        "CVE",
        "CWE",
        "GHSA",
        "HTTP",
        "TLS",
        "SSL",
        "IPV",
        "PEP",
        "ECMA",
        "ES",
        "AES",
        "RSA",
        "CRC",
        "BASE",
        "WIN",
        "X",
        "V",
        "COVID",
        "ARM",
        "AMD",
        "GPT",
        "PR",
        "API",
        "H",
        "EC",
        "P",
        "K",
        "L",
        "T",
        "R",
        "ID",
    }
)


def extract_jira_keys(title: str | None, branch: str | None, body: str | None) -> list[str]:
    """Jira keys, best first: the title's, then the branch's, then the body's (browse links before bare
    keys); each key once, upper-cased."""
    found: list[str] = []
    _add(found, _STANDALONE.findall(title or ""))
    _add(found, (m.upper() for m in _BRANCH.findall(branch or "")))
    text = body or ""
    _add(found, (m.upper() for m in _BROWSE_URL.findall(text)))
    _add(found, _STANDALONE.findall(_BROWSE_URL.sub(" ", text)))
    return found


def _add(found: list[str], candidates: Iterable[str]) -> None:
    for key in candidates:
        if _is_issue_key(key) and key not in found:
            found.append(key)


def _is_issue_key(key: str) -> bool:
    project = key.rsplit("-", 1)[0]
    return len(project) >= 2 and project not in NOT_PROJECT_KEYS and not project.isdigit()
