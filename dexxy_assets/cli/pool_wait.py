"""Say which pool a run is waiting for: a run whose steps cannot claim a slot otherwise looks hung."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg


def pool_waits(instance: dg.DagsterInstance, run_id: str, pools: Iterable[str]) -> list[str]:
    """One phrase per pool in which a step of the run waits for a slot, e.g.
    "waiting for pool github_api (1/1 slots taken by run 3f2a9c01)": the holder is what to look at (or to
    cancel) when it does not move."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    waits = []
    for pool in sorted(pools):
        info = storage.get_concurrency_info(pool)
        if run_id in info.pending_run_ids:
            holders = ", ".join(sorted(holder[:8] for holder in info.active_run_ids))
            waits.append(
                f"waiting for pool {pool} ({info.active_slot_count}/{info.slot_count} slots taken"
                + (f" by run {holders})" if holders else ")")
            )
    return waits
