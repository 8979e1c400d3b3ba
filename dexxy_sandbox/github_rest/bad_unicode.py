"""The `bad_unicode_rate` fault: text GitHub really sends that PostgreSQL cannot store, put on the wire.

A chosen pull request's title ends in a lone surrogate escape (`\\ud800`, a client cut an emoji in half), its
body in a NUL escape (`\\u0000`) and two bytes that are not UTF-8 (`\\xff\\xfe`), and right after its title
comes an object key holding a NUL (`"sandbox\\u0000note": true`). Every JSON answer that carries that pull
request's title or body gets them, REST and GraphQL alike, so a client meets them wherever it reads the PR.

Which pull requests: those whose seed-and-number hash falls under the rate, among the ones whose title and
body are unique in the org (so the bytes are found where they belong and nowhere else) and whose body is not
empty. The choice depends on the seed and the pull request only.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from dexxy_sandbox.org.model import PullRequest, SyntheticOrg

TITLE_SUFFIX = b"\\ud800"
BODY_SUFFIX = b"\\u0000\xff\xfe"
NUL_KEY = b'"sandbox\\u0000note":true'


def _json_string(text: str) -> bytes:
    """How the emulators encode a string value (UTF-8, not ASCII-escaped), without the quotes."""
    return json.dumps(text, ensure_ascii=False).encode()[1:-1]


def is_chosen(seed: int, rate: float, pr: PullRequest) -> bool:
    digest = hashlib.blake2b(f"{seed}/unicode/{pr.repo}/{pr.number}".encode(), digest_size=8).digest()
    return int.from_bytes(digest) / 2**64 < rate


def chosen_pull_requests(org: SyntheticOrg, seed: int, rate: float) -> list[PullRequest]:
    """The pull requests whose text the fault breaks."""
    if rate <= 0.0:
        return []
    pulls = list(org.all_pulls())
    titles = Counter(pr.title for pr in pulls)
    bodies = Counter(pr.body for pr in pulls)
    return [
        pr
        for pr in pulls
        if pr.body and titles[pr.title] == 1 and bodies[pr.body] == 1 and is_chosen(seed, rate, pr)
    ]


class BadUnicode:
    """Rewrites answer bodies for the chosen pull requests (built once per fault configuration)."""

    def __init__(self, org: SyntheticOrg, seed: int, rate: float) -> None:
        self.chosen = chosen_pull_requests(org, seed, rate)
        self._replacements: list[tuple[bytes, bytes]] = []
        for pr in self.chosen:
            title = b'"title":"' + _json_string(pr.title) + b'"'
            self._replacements.append((title, title[:-1] + TITLE_SUFFIX + b'",' + NUL_KEY))
            body = b'"body":"' + _json_string(pr.body or "") + b'"'
            self._replacements.append((body, body[:-1] + BODY_SUFFIX + b'"'))

    def corrupt(self, body: bytes) -> bytes:
        for clean, broken in self._replacements:
            if clean in body:
                body = body.replace(clean, broken)
        return body
