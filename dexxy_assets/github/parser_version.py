"""The GitHub parsers' code version: a hash of the files that turn raw JSON into staging rows.

Changing a parser or a derivation rule (Jira keys, file categories, bot accounts) changes this value; the
staged partitions materialized under another value are stale, and the stale-code-version sensor re-stages
them from raw with zero API calls (``github/pull_requests_staged`` and ``github/deployments_staged`` use it
as their code_version; the one-payload-per-row steps hash their own parser with ``parser_version``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_PRODUCT = Path(__file__).resolve().parent.parent  # dexxy_assets/
_PARSER_FILES = (
    "github/accounts.py",
    "github/child_records.py",
    "github/deployment_graphql.py",
    "github/deployment_staging.py",
    "github/fetched.py",
    "github/file_categories.py",
    "github/graphql_records.py",
    "github/graphql_shapes.py",
    "github/pull_request_entities.py",
    "github/pull_request_records.py",
    "github/pull_request_staging.py",
    "github/rest_records.py",
    "github/staging_rows.py",
    "payload_fields.py",
    "problems.py",
    "processing/jira_links.py",
)


def parser_version(*names: str) -> str:
    """A hash of the named files (paths relative to ``dexxy_assets/``): a staging step's code version."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update((_PRODUCT / name).read_bytes())
    return digest.hexdigest()[:12]


GITHUB_PARSER_VERSION = parser_version(*_PARSER_FILES)
