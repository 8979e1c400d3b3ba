"""How many `ASSET_MATERIALIZATION_PLANNED` events a `dexxy run` writes: Dagster writes one per asset **and
day** of a range run, each a transaction of its own (11,700 of them for 300 days of the default selection,
more than half of the run's time). For a long range, one per asset with the range instead.

The price (Dagster 1.13, open-source storage): Dagster reads failed and in-progress partitions from the
per-day planned events, so the days of a long range run that fails show as missing rather than failed, and
while it runs the automation does not see its days as in progress (a nightly run of today's partition may
then run beside it; the raw tables' keys and per-partition locks keep one run's data). Nightly and short
runs keep per-day planned events. `DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS` set by the operator
(`0` or `1`) decides for every range.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

SUBSET_PLANNED_EVENTS = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
# Up to a month (a typical re-sync or a demo's history) every day keeps its own planned event.
PER_DAY_PLANNED_EVENTS_UP_TO_DAYS = 31


@contextmanager
def planned_events_for_range(days: int) -> Iterator[None]:
    """One planned event per asset while a range longer than a month runs, unless the operator chose."""
    if SUBSET_PLANNED_EVENTS in os.environ or days <= PER_DAY_PLANNED_EVENTS_UP_TO_DAYS:
        yield
        return
    os.environ[SUBSET_PLANNED_EVENTS] = "1"
    try:
        yield
    finally:
        os.environ.pop(SUBSET_PLANNED_EVENTS, None)
