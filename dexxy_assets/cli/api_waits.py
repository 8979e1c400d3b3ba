"""`dexxy run` says when the run waits for an API's rate limit, instead of sitting silent.

The shared HTTP client logs each wait (``resources.http.client``: "waiting 1043.0s for GitHub (spent rate
limit)"); the run executes in this process, so a handler on that logger prints the long ones above the
progress bars. A two-year run against a token whose hourly budget another run had spent waited 18 minutes
with no word on the screen.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape

CLIENT_LOGGER = "resources.http.client"
_WAIT = re.compile(r"^waiting (?P<seconds>[\d.]+)s for (?P<api>.+?) \((?P<reason>.+)\)$")


class _WaitPrinter(logging.Handler):
    def __init__(self, console: Console, min_seconds: float) -> None:
        super().__init__(logging.INFO)
        self.console = console
        self.min_seconds = min_seconds

    def emit(self, record: logging.LogRecord) -> None:
        found = _WAIT.match(record.getMessage())
        if found is None or float(found["seconds"]) < self.min_seconds:
            return  # a retry's short backoff is not news
        seconds = float(found["seconds"])
        span = f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"
        self.console.print(
            f"[yellow]waiting[/yellow] {span} for {escape(found['api'])} ({escape(found['reason'])}); "
            "the run goes on after it",
            highlight=False,
        )


@contextmanager
def show_api_waits(console: Console, min_seconds: float = 30.0) -> Iterator[None]:
    """While inside, rate-limit waits of at least ``min_seconds`` are printed on ``console``."""
    logger = logging.getLogger(CLIENT_LOGGER)
    handler, level = _WaitPrinter(console, min_seconds), logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
