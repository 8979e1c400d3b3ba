"""``map`` on a few threads that yields in input order with a bounded number of items in flight.

``ThreadPoolExecutor.map`` submits every item at once and keeps every result until it is read, so a fetch of
a whole window held the whole window; this keeps at most ``ahead`` items submitted or unread, however long
the input, and the output order (hence raw's row numbering) stays the input's.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def ordered_map(
    function: Callable[[In], Out], items: Iterable[In], threads: int, ahead: int | None = None
) -> Iterator[Out]:
    """``function`` of each item, in order; at most ``ahead`` (default four per thread) at a time. Stopping
    the iteration (or an error) cancels what was not started."""
    threads = max(1, threads)
    limit = max(threads, ahead or 4 * threads)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future[Out]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(function, item))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
