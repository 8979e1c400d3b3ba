"""Decoding a JSON answer without failing the whole response on bytes that are not UTF-8."""

from __future__ import annotations

import json
import re
from typing import Any

# a JSON escape of NUL or of a UTF-16 surrogate (a pair too: rare, services send UTF-8, so caution is cheap)
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def decode_body(content: bytes) -> tuple[Any, bool]:
    """A JSON body, and whether it holds text PostgreSQL cannot store (the loaders repair and count it).

    Bodies are UTF-8; bytes that are not become lone surrogates (``surrogateescape``) instead of failing the
    whole response, so the record can land with them replaced. Such a response is not cached by ETag: the
    cache would keep it repaired and a re-run would no longer see, and count, the bad input.
    """
    if not content:
        return None, False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return json.loads(content.decode("utf-8", errors="surrogateescape")), True
    return json.loads(text), _SUSPECT_ESCAPE.search(content) is not None
