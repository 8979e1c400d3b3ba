"""Flag a sync that succeeded but took far longer than its norm: often the first sign of a throttled API,
a lost index or a source that grew. Compared per day of partitions covered (a 30-day backfill is not "slow"
next to a nightly 2-day run), against the median of the same asset's last successful syncs in ops.sync_log.

Flagged as an alert (severity warning, class SLOW_SYNC) rather than an asset check: the duration says
nothing about the data's quality, only about the sync, and on-call is who should hear of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

SLOW_FACTOR = 3.0  # flagged above this many times the median
HISTORY = 10  # successes the median is taken over
MIN_HISTORY = 5  # fewer earlier successes: no norm yet, nothing flagged
MIN_SECONDS = 60.0  # a sync shorter than this is never worth an alert, however relatively slow

_SLOW = text(
    """
    SELECT s.asset_key, s.seconds, s.seconds_per_day, norm.median_per_day, norm.n
    FROM (
        SELECT asset_key, finished_at,
               EXTRACT(EPOCH FROM finished_at - started_at) AS seconds,
               EXTRACT(EPOCH FROM finished_at - started_at)
                   / COALESCE(partition_end - partition_start + 1, 1) AS seconds_per_day
        FROM ops.sync_log
        WHERE run_id = :run_id AND status = 'success'
    ) s
    CROSS JOIN LATERAL (  -- the same asset's earlier successes, newest first (sync_log_asset_idx)
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY h.seconds_per_day) AS median_per_day,
               count(*) AS n
        FROM (
            SELECT EXTRACT(EPOCH FROM e.finished_at - e.started_at)
                       / COALESCE(e.partition_end - e.partition_start + 1, 1) AS seconds_per_day
            FROM ops.sync_log e
            WHERE e.asset_key = s.asset_key AND e.status = 'success' AND e.finished_at < s.finished_at
            ORDER BY e.finished_at DESC
            LIMIT :history
        ) h
    ) norm
    WHERE norm.n >= :min_history
      AND s.seconds >= :min_seconds
      AND s.seconds_per_day > :factor * norm.median_per_day
    ORDER BY s.asset_key
    """
)


@dataclass(frozen=True)
class SlowSync:
    asset_key: str
    seconds: float
    seconds_per_day: float
    median_per_day: float
    history: int

    def describe(self) -> str:
        ratio = self.seconds_per_day / self.median_per_day if self.median_per_day else float("inf")
        return (
            f"{self.asset_key} took {self.seconds:.0f} s, {ratio:.1f}x its median of the last "
            f"{self.history} successful syncs ({self.median_per_day:.0f} s per partition day)"
        )


def slow_syncs(
    conn: Connection,
    run_id: str,
    *,
    factor: float = SLOW_FACTOR,
    history: int = HISTORY,
    min_history: int = MIN_HISTORY,
    min_seconds: float = MIN_SECONDS,
) -> list[SlowSync]:
    """The successful syncs of ``run_id`` that took more than ``factor`` times their norm."""
    rows = conn.execute(
        _SLOW,
        {
            "run_id": run_id,
            "factor": factor,
            "history": history,
            "min_history": min_history,
            "min_seconds": min_seconds,
        },
    )
    return [SlowSync(r[0], float(r[1]), float(r[2]), float(r[3]), int(r[4])) for r in rows]
