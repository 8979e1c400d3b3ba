"""The Jira parsers' code version: a hash of the files that turn raw JSON into staging rows.

Changing a parser or a derivation rule changes this value; staged partitions whose ``parser_version``
differs are stale and are re-staged from raw with zero API calls (the assets use it as their code_version).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_PARSER_FILES = (
    "adf_text.py",
    "changelog_records.py",
    "comment_records.py",
    "field_map.py",
    "issue_records.py",
    "jira_ids.py",
    "sprint_membership.py",
    "sprint_records.py",
    "staging_step.py",
    "status_category.py",
    "story_points.py",
    "user_records.py",
    "worklog_records.py",
)


def _version() -> str:
    digest = hashlib.sha256()
    for name in _PARSER_FILES:
        digest.update(name.encode())
        digest.update((_PACKAGE / name).read_bytes())
    return digest.hexdigest()[:12]


JIRA_PARSER_VERSION = _version()
