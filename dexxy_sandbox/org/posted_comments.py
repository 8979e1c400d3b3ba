"""Conversation comments written to the sandbox (`POST /repos/{o}/{r}/issues/{n}/comments`) after the org
was generated: kept per pull request, in order, and listed after the generated ones by
`SyntheticOrg.issue_comments`, so REST's listings and GraphQL's `PullRequest.comments` show them as
GitHub would."""

from __future__ import annotations

import itertools
import threading
from typing import Any

FIRST_POSTED_ID = 3_900_000_000  # above every generated comment id


class PostedComments:
    """Thread-safe: the server answers on several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_pull: dict[tuple[str, int], list[Any]] = {}
        self._ids = itertools.count(FIRST_POSTED_ID)
        # the simulated author answers a survey comment (github_rest/comment_posting.py)
        self.auto_reply = True
        self.never_answer_share = 0.2

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def add(self, repo: str, number: int, comment: Any) -> None:
        with self._lock:
            self._by_pull.setdefault((repo.lower(), number), []).append(comment)

    def of(self, repo: str, number: int) -> tuple[Any, ...]:
        with self._lock:
            return tuple(self._by_pull.get((repo.lower(), number), ()))

    def clear(self) -> None:
        with self._lock:
            self._by_pull.clear()

    def all(self) -> list[Any]:
        with self._lock:
            return [comment for comments in self._by_pull.values() for comment in comments]
