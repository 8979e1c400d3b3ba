"""A service's rate-limit budget as its headers describe it, and ``Retry-After``.

The adapter reads the headers (GitHub's ``x-ratelimit-remaining``/``-reset``); a service without such headers
gives no reading and the client only reacts to its 429s."""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimitReading:
    """What one answer said of the budget: requests left, and when it refills (epoch seconds)."""

    remaining: int | None
    reset_at: float | None = None

    def seconds_to_reset(self, now: float) -> float:
        """The wait for a spent budget: until its reset, plus a second of margin."""
        return max((self.reset_at or now) - now, 0.0) + 1.0


class RateLimitBudget:
    """The latest reading, shared by a client's threads, so a spent budget is waited out before the next
    request instead of being refused; and a hold: when one thread is told to wait (a secondary limit's
    ``Retry-After``), the others wait too instead of sending into the limit (GitHub may ban an integration
    that keeps sending while limited)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reading: RateLimitReading | None = None
        self._held_until = 0.0
        self._holder: int | None = None  # the thread that was told to wait: it pauses by itself

    def note(self, reading: RateLimitReading | None) -> None:
        if reading is not None and reading.remaining is not None:
            with self._lock:
                self._reading = reading

    def hold(self, until: float) -> None:
        """The calling thread was told to wait until ``until`` (epoch seconds) and pauses itself: the other
        threads send nothing before then either."""
        with self._lock:
            if until > self._held_until:
                self._held_until, self._holder = until, threading.get_ident()

    def wait_before_next(self, now: float) -> float:
        """Seconds to wait before sending: another thread's hold not yet over, or a budget the last answer
        said is spent."""
        with self._lock:
            reading, held = self._reading, self._held_until - now
            if self._holder == threading.get_ident():
                held = 0.0
        if reading is None or reading.remaining != 0 or reading.reset_at is None:
            return max(held, 0.0)
        return max(held, reading.reset_at - now + 1.0)

    def forget_spent(self) -> None:
        """After waiting out a spent budget, send again (the next answer brings a fresh reading)."""
        with self._lock:
            if self._reading is not None and self._reading.remaining == 0:
                self._reading = None


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)
