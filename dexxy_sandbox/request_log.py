"""What the emulator served: counters for tests and benchmarks (requests per endpoint, 304s, 403s, points
spent) and, when given a path, one JSON line per request in a file (`dexxy sandbox serve --request-log`)."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import TextIO

DROPPED = 0  # status recorded for connections closed without a response


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    method: str
    path: str
    query: str
    template: str  # e.g. "/repos/{owner}/{repo}/pulls"; "" when no route matched
    status: int
    fault: str
    at: float
    rest_points: int = 0  # of the primary REST (`core`) budget: 0 for a 304 or a refusal
    graphql_points: int = 0  # of the primary GraphQL budget (the query's point cost)
    secondary_points: int = 0  # of the secondary per-minute budget (REST or GraphQL), when enforced
    ms: float = 0.0  # from the request's arrival to its answer
    owner: str = ""  # whose budget: "user ID 1", "installation ID 2" (never the token)


class RequestLog:
    """Counters plus the most recent requests; written by the server's event loop, read from any thread."""

    def __init__(self, keep: int = 10_000, path: str | os.PathLike[str] | None = None) -> None:
        self.entries: deque[LoggedRequest] = deque(maxlen=keep)
        self.total = 0
        self.by_template: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.by_fault: Counter[str] = Counter()
        self.rest_points = 0
        self.graphql_points = 0
        self.path = path
        self._file: TextIO | None = None
        self._lock = threading.Lock()
        if path is not None:
            self._file = open(path, "a", encoding="utf-8", buffering=1)  # closed by close()

    def record(
        self,
        method: str,
        path: str,
        query: str,
        template: str,
        status: int,
        fault: str,
        *,
        rest_points: int = 0,
        graphql_points: int = 0,
        secondary_points: int = 0,
        ms: float = 0.0,
        owner: str = "",
    ) -> None:
        entry = LoggedRequest(
            method,
            path,
            query,
            template,
            status,
            fault,
            time.time(),
            rest_points,
            graphql_points,
            secondary_points,
            round(ms, 3),
            owner,
        )
        self.total += 1
        self.by_template[template] += 1
        self.by_status[status] += 1
        if fault != "none":
            self.by_fault[fault] += 1
        self.rest_points += rest_points
        self.graphql_points += graphql_points
        self.entries.append(entry)
        if self._file is not None:
            line = json.dumps(asdict(entry), separators=(",", ":"), ensure_ascii=False)
            with self._lock:
                if self._file is not None:
                    self._file.write(line + "\n")

    def close(self) -> None:
        """Close the request-log file (the counters keep working)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def count(self, status: int) -> int:
        return self.by_status[status]

    @property
    def not_modified(self) -> int:
        return self.by_status[304]

    @property
    def forbidden(self) -> int:
        return self.by_status[403]

    @property
    def too_many_requests(self) -> int:
        return self.by_status[429]

    @property
    def unauthorized(self) -> int:
        return self.by_status[401]

    @property
    def dropped(self) -> int:
        return self.by_status[DROPPED]

    def reset(self) -> None:
        self.entries.clear()
        self.total = 0
        self.by_template.clear()
        self.by_status.clear()
        self.by_fault.clear()
        self.rest_points = 0
        self.graphql_points = 0

    def snapshot(self) -> dict[str, object]:
        """A plain-dict copy, e.g. for benchmark reports."""
        return {
            "total": self.total,
            "by_template": dict(self.by_template),
            "by_status": dict(self.by_status),
            "by_fault": dict(self.by_fault),
            "rest_points": self.rest_points,
            "graphql_points": self.graphql_points,
        }
