"""extract_jira_keys: keys from title, branch and body, best first; look-alikes are not keys."""

from __future__ import annotations

import pytest

from dexxy_assets.processing.jira_links import extract_jira_keys


@pytest.mark.parametrize(
    ("title", "branch", "body", "expected"),
    [
        ("PAY-123: add refunds", "main", None, ["PAY-123"]),
        ("[PAY-123] add refunds", None, None, ["PAY-123"]),
        ("add refunds (PAY-123)", None, None, ["PAY-123"]),
        ("Add refunds", "feature/PAY-123-add-refunds", None, ["PAY-123"]),
        ("Add refunds", "PAY-123-add-refunds", None, ["PAY-123"]),
        ("Add refunds", "pay-123_add_refunds", None, ["PAY-123"]),
        ("Add refunds", "bugfix/CORE_API-7/retry", None, ["CORE_API-7"]),
        ("Add refunds", "feature/refunds", "Fixes https://acme.atlassian.net/browse/PAY-9", ["PAY-9"]),
        ("Add refunds", None, "Part of PAY-1 and OPS-22.", ["PAY-1", "OPS-22"]),
        ("PAY-2 follow-up", "feature/PAY-1-refunds", "See PAY-3", ["PAY-2", "PAY-1", "PAY-3"]),
        ("PAY-2 again PAY-2", "PAY-2-x", "PAY-2", ["PAY-2"]),
        ("Bump lodash from 4.17.20 to 4.17.21", "dependabot/npm_and_yarn/lodash-4.17.21", None, []),
        ("Handle UTF-8 names and SHA-256 digests", None, None, []),
        ("Dates are ISO-8601 now", None, "per RFC-3339 and ISO-8601", []),
        ("Release X-123", "release/v-2", "Fixes CVE-2024-12345", []),
        ("Support IPV-6 and TLS-1", None, None, []),
        ("mypay-123 is not a key", "feature/xpay-123x", "abcPAY-12 or PAY-12abc", []),
        ("version 1.2-3", None, "build 20-1", []),
        ("Refund fix", None, "See PAY-0042 in the old tracker", []),  # issue numbers never start with 0
        ("", "", "", []),
        (None, None, None, []),
    ],
    ids=lambda v: str(v)[:30],
)
def test_extract_jira_keys(
    title: str | None, branch: str | None, body: str | None, expected: list[str]
) -> None:
    assert extract_jira_keys(title, branch, body) == expected
