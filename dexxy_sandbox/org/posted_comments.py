"""Conversation comments written to the sandbox (`POST /repos/{o}/{r}/issues/{n}/comments`) after the org
was generated: kept per pull request, in order, and listed after the generated ones by
`SyntheticOrg.issue_comments`, so REST's listings (the pull request's and the repository's) and GraphQL's
`PullRequest.comments` show them as GitHub would. `SyntheticOrg.add_comment` writes one and updates the pull
request as GitHub does; each change bumps `revision`, which rebuilds what was derived from the org."""

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
        self.revision = 0
        # the simulated author answers a survey comment (github_rest/comment_posting.py); off with
        # `dexxy sandbox serve --no-simulated-replies` (SandboxServer(simulated_replies=False))
        self.auto_reply = True
        self.never_answer_share = 0.2

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def add(self, repo: str, number: int, comment: Any) -> None:
        with self._lock:
            self._by_pull.setdefault((repo.lower(), number), []).append(comment)
            self.revision += 1

    def of(self, repo: str, number: int) -> tuple[Any, ...]:
        with self._lock:
            return tuple(self._by_pull.get((repo.lower(), number), ()))

    def clear(self) -> None:
        with self._lock:
            self._by_pull.clear()  # the pull requests keep the updated_at and count the comments gave them
            self.revision += 1

    def all(self) -> list[Any]:
        with self._lock:
            return [comment for comments in self._by_pull.values() for comment in comments]
