"""What the emulator served: counters for tests and benchmarks (requests per endpoint, 304s, 403s...)."""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass

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


class RequestLog:
    """Counters plus the most recent requests; written by the server's event loop, read from any thread."""

    def __init__(self, keep: int = 10_000) -> None:
        self.entries: deque[LoggedRequest] = deque(maxlen=keep)
        self.total = 0
        self.by_template: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.by_fault: Counter[str] = Counter()

    def record(self, method: str, path: str, query: str, template: str, status: int, fault: str) -> None:
        self.total += 1
        self.by_template[template] += 1
        self.by_status[status] += 1
        if fault != "none":
            self.by_fault[fault] += 1
        self.entries.append(LoggedRequest(method, path, query, template, status, fault, time.time()))

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

    def snapshot(self) -> dict[str, object]:
        """A plain-dict copy, e.g. for benchmark reports."""
        return {
            "total": self.total,
            "by_template": dict(self.by_template),
            "by_status": dict(self.by_status),
            "by_fault": dict(self.by_fault),
        }
