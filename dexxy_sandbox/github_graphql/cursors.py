"""Opaque GraphQL cursors and the Relay slicing of a connection (`first`/`after`/`last`/`before`).

GitHub's connection cursors are base64 of `cursor:v2:` followed by a MessagePack array, e.g.
`Y3Vyc29yOnYyOpHOAAABcw==` is `cursor:v2:` + `[371]`; search cursors are base64 of `cursor:N` (1-based). The
sandbox's lists never change, so a cursor encodes the item's offset in its (sorted, filtered) list: paging is
stable and a cursor from one page is valid for the next request.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

_V2_PREFIX = b"cursor:v2:"
_SEARCH_PREFIX = b"cursor:"


class InvalidCursorError(ValueError):
    """A cursor the sandbox did not issue; GitHub answers INVALID_CURSOR_ARGUMENTS."""

    def __init__(self, cursor: str) -> None:
        super().__init__(f"`{cursor}` does not appear to be a valid cursor.")
        self.cursor = cursor


def _pack_uint(value: int) -> bytes:
    """MessagePack of a non-negative int, as GitHub writes ids: uint32 (0xce) unless it needs uint64."""
    if value < 0:
        raise ValueError("cursor offsets are non-negative")
    if value < 2**32:
        return b"\xce" + struct.pack(">I", value)
    return b"\xcf" + struct.pack(">Q", value)


def _unpack_uint(data: bytes) -> tuple[int, bytes]:
    """One MessagePack unsigned int from the front of `data`, and the rest."""
    if not data:
        raise ValueError("empty")
    tag = data[0]
    if tag < 0x80:
        return tag, data[1:]
    sizes = {0xCC: (1, ">B"), 0xCD: (2, ">H"), 0xCE: (4, ">I"), 0xCF: (8, ">Q")}
    if tag not in sizes:
        raise ValueError("not an unsigned int")
    size, fmt = sizes[tag]
    if len(data) < 1 + size:
        raise ValueError("truncated")
    return struct.unpack(fmt, data[1 : 1 + size])[0], data[1 + size :]


def encode_cursor(offset: int) -> str:
    """The cursor of the item at `offset` (0-based) in a connection's list."""
    return base64.b64encode(_V2_PREFIX + b"\x91" + _pack_uint(offset)).decode()


def encode_search_cursor(offset: int) -> str:
    """A search result's cursor: GitHub numbers search results from 1 (`cursor:1`, `cursor:2`...)."""
    return base64.b64encode(_SEARCH_PREFIX + str(offset + 1).encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The 0-based offset a cursor points at; accepts both connection and search cursors."""
    try:
        raw = base64.b64decode(cursor.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise InvalidCursorError(cursor) from None
    try:
        if raw.startswith(_V2_PREFIX):
            body = raw[len(_V2_PREFIX) :]
            if not body or body[0] != 0x91:  # a one-element fixarray
                raise ValueError("not a one-element array")
            offset, rest = _unpack_uint(body[1:])
            if rest:
                raise ValueError("trailing bytes")
            return offset
        if raw.startswith(_SEARCH_PREFIX):
            text = raw[len(_SEARCH_PREFIX) :].decode("ascii")
            if not text.isdigit() or int(text) < 1:
                raise ValueError("not a positive position")
            return int(text) - 1
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursorError(cursor) from None
    raise InvalidCursorError(cursor)


@dataclass(frozen=True, slots=True)
class Window:
    """The slice [start, end) of a list of `total` items that one page of a connection shows."""

    start: int
    end: int
    total: int

    @property
    def has_next_page(self) -> bool:
        return self.end < self.total

    @property
    def has_previous_page(self) -> bool:
        return self.start > 0

    @property
    def size(self) -> int:
        return max(self.end - self.start, 0)


def page_window(
    total: int,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Window:
    """Relay's algorithm over offsets: cut at `after`/`before`, then keep the first `first` or last `last`."""
    start, end = 0, total
    if after is not None:
        start = max(start, decode_cursor(after) + 1)
    if before is not None:
        end = min(end, decode_cursor(before))
    start = min(start, total)
    end = max(end, start)
    if first is not None:
        end = min(end, start + max(first, 0))
    if last is not None:
        start = max(start, end - max(last, 0))
    return Window(start, end, total)
