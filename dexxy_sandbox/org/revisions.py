"""Lists and indexes derived from the org (sorted pull requests, a repository's comments, GraphQL's searches),
kept until the org changes: a comment posted to a pull request moves it in every `updated` order and adds to
the listings, so what was built before is built again (`SyntheticOrg.revision`)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class PerRevision(Generic[V]):
    """Values by key, dropped together when `revision()` changes; with `size`, the least recently used go
    beyond it. Thread-safe."""

    def __init__(self, revision: Callable[[], int], size: int | None = None) -> None:
        self._revision = revision
        self._size = size
        self._built_at = revision()
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        now = self._revision()  # read before building: a change while building is seen by the next call
        with self._lock:
            if now != self._built_at:
                self._values.clear()
                self._built_at = now
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = build()
        with self._lock:
            if now == self._built_at:
                self._values[key] = value
            while self._size is not None and len(self._values) > self._size:
                self._values.popitem(last=False)
        return value
