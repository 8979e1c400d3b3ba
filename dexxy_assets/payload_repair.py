"""Text PostgreSQL cannot store, repaired as little as possible so the record still lands, each repair named.

GitHub sends what people typed: a lone UTF-16 surrogate (``"\\ud800"``, left by a client that cut an emoji in
half), a NUL (``"\\u0000"``) in a string or even an object key, or bytes that are not UTF-8 at all (the client
decodes those to lone surrogates U+DC80..U+DCFF, see ``resources.http.body``). ``jsonb`` rejects NUL and
lone surrogates, ``text`` rejects NUL, and UTF-8 cannot encode a surrogate, so one such character would fail a
whole COPY. Each bad character becomes U+FFFD (the replacement character) and nothing else changes.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT = "\ufffd"
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")
# in ``json.dumps(..., ensure_ascii=False)``: surrogates stay characters, NUL becomes the escape \u0000
_SUSPECT_DUMP = re.compile(r"[\ud800-\udfff]|\\u0000")


def repair_text(text: str) -> tuple[str, set[str]]:
    """``text`` with every NUL and lone surrogate replaced, and the kinds of what was replaced:
    ``nul``, ``invalid_utf8`` (bytes that were not UTF-8) or ``lone_surrogate``."""
    kinds: set[str] = set()
    for match in _BAD_CHARACTER.finditer(text):
        code = ord(match.group())
        kinds.add("nul" if code == 0 else "invalid_utf8" if 0xDC80 <= code <= 0xDCFF else "lone_surrogate")
    return (_BAD_CHARACTER.sub(REPLACEMENT, text), kinds) if kinds else (text, kinds)


def needs_repair(payload: Any) -> bool:
    """A fast check (one C-level dump and scan) before walking a payload."""
    try:
        dumped = json.dumps(payload, ensure_ascii=False)
    except (TypeError, ValueError):
        return True  # not plain JSON: walk it
    return _SUSPECT_DUMP.search(dumped) is not None


def repair_payload(payload: Any) -> tuple[Any, list[str]]:
    """``payload`` with its strings and object keys repaired, and one repair kind per repaired string (a key's
    kind ends in ``_in_key``). A payload that needs nothing is returned as it is."""
    if not needs_repair(payload):
        return payload, []
    repairs: list[str] = []
    return _walk(payload, repairs), repairs


def _walk(value: Any, repairs: list[str]) -> Any:
    if isinstance(value, str):
        text, kinds = repair_text(value)
        repairs.extend(sorted(kinds))
        return text
    if isinstance(value, list):
        return [_walk(item, repairs) for item in value]
    if isinstance(value, dict):
        repaired = {}
        for key, item in value.items():
            if isinstance(key, str):
                new_key, kinds = repair_text(key)
                repairs.extend(f"{kind}_in_key" for kind in sorted(kinds))
            else:
                new_key = key
            repaired[new_key] = _walk(item, repairs)
        return repaired
    return value
