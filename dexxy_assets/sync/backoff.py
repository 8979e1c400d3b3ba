"""The back-off ladder: a source that keeps failing for the same reason is synced less often, so a spent
budget, a suspended site or revoked credentials are not hammered every night, and on-call gets fewer
repeats of an alert they already have.

Three failed runs in a row of one class (RATE_LIMIT, AUTH_EXPIRED, …) step the source's unattended cadence
from daily to every 2 days; each further failure of that class steps it down again, to weekly at most. A
successful sync puts it back to daily. The state lives in ``ops.sync_backoff``; the run-failure and
run-success sensors write it, and every periodic ingestion run (nightly automation, schedules) reads it
(``backoff_skip_reason``): on a day that is not on the source's cadence, the run lands nothing and calls no
API. A run a person starts (UI, ``dexxy run``, a backfill) always runs: that is how a fix is tried before
the next due day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.partitions import partition_dates
from dexxy_assets.sync_log import record_sync

if TYPE_CHECKING:
    from dexxy_assets.ingestion_asset import IngestionSpec

LADDER_DAYS = (1, 2, 7)  # daily → every 2 days → weekly
STEP_DOWN_AFTER = 3  # failures in a row of one class before the first step down
# Tags Dagster puts on the periodic runs: declarative automation (the nightly syncs) and schedules. Runs a
# sensor requests (a webhook's refresh, a new scope's history) are not skipped: skipping marks partitions
# materialized with nothing landed, a silent gap in a backfill; while the source fails they fail and count.
UNATTENDED_TAGS = ("dagster/from_automation_condition", "dagster/schedule_name")
SKIPPED = "skipped"  # ops.sync_log status of a day the ladder skipped


@dataclass(frozen=True)
class BackoffState:
    source: str
    failure_class: str | None = None
    consecutive_failures: int = 0
    level: int = 0
    last_failure_at: dt.datetime | None = None
    last_failure_run_id: str | None = None
    last_success_at: dt.datetime | None = None

    @property
    def interval_days(self) -> int:
        return LADDER_DAYS[self.level]

    def cadence(self) -> str:
        return {1: "daily", 7: "weekly"}.get(self.interval_days, f"every {self.interval_days} days")

    def next_due(self) -> dt.date | None:
        """The first UTC day an unattended run syncs again; None when the source is on its daily cadence."""
        if self.level == 0 or self.last_failure_at is None:
            return None
        return self.last_failure_at.astimezone(dt.UTC).date() + dt.timedelta(days=self.interval_days)

    def due_on(self, day: dt.date) -> bool:
        due = self.next_due()
        return due is None or day >= due


_SELECT = """
    SELECT failure_class, consecutive_failures, level, last_failure_at, last_failure_run_id, last_success_at
    FROM ops.sync_backoff WHERE source = :source
"""
_READ = text(_SELECT)
_READ_LOCKED = text(_SELECT + " FOR UPDATE")


def load_state(conn: Connection, source: str, *, lock: bool = False) -> BackoffState:
    row = conn.execute(_READ_LOCKED if lock else _READ, {"source": source}).first()
    return BackoffState(source, *row) if row else BackoffState(source)


def _save(conn: Connection, state: BackoffState) -> None:
    conn.execute(
        text(
            """
            INSERT INTO ops.sync_backoff (source, failure_class, consecutive_failures, level, interval_days,
                                          last_failure_at, last_failure_run_id, last_success_at, updated_at)
            VALUES (:source, :failure_class, :count, :level, :interval, :failed_at, :run_id, :succeeded_at,
                    now())
            ON CONFLICT (source) DO UPDATE SET
                failure_class = EXCLUDED.failure_class,
                consecutive_failures = EXCLUDED.consecutive_failures,
                level = EXCLUDED.level,
                interval_days = EXCLUDED.interval_days,
                last_failure_at = EXCLUDED.last_failure_at,
                last_failure_run_id = EXCLUDED.last_failure_run_id,
                last_success_at = EXCLUDED.last_success_at,
                updated_at = now()
            """
        ),
        {
            "source": state.source,
            "failure_class": state.failure_class,
            "count": state.consecutive_failures,
            "level": state.level,
            "interval": state.interval_days,
            "failed_at": state.last_failure_at,
            "run_id": state.last_failure_run_id,
            "succeeded_at": state.last_success_at,
        },
    )


def _locked(conn: Connection, source: str) -> BackoffState:
    """The row, created if missing, locked until the transaction ends (two sensors never interleave)."""
    conn.execute(
        text("INSERT INTO ops.sync_backoff (source) VALUES (:source) ON CONFLICT (source) DO NOTHING"),
        {"source": source},
    )
    return load_state(conn, source, lock=True)


def record_failure(
    conn: Connection, source: str, failure_class: str, *, run_id: str, at: dt.datetime
) -> BackoffState:
    """Count a failed run of ``source``; a run already counted, or one older than the last success, is
    ignored (sensors may see runs again or out of order)."""
    state = _locked(conn, source)
    if state.last_failure_run_id == run_id or (state.last_success_at and at <= state.last_success_at):
        return state
    count = state.consecutive_failures + 1 if state.failure_class == failure_class else 1
    level = min(state.level + 1, len(LADDER_DAYS) - 1) if count >= STEP_DOWN_AFTER else state.level
    new = BackoffState(source, failure_class, count, level, at, run_id, state.last_success_at)
    _save(conn, new)
    return new


def record_success(conn: Connection, source: str, *, at: dt.datetime) -> BackoffState:
    """A successful sync restores the daily cadence (unless a failure came after it)."""
    state = _locked(conn, source)
    if state.last_failure_at and at <= state.last_failure_at:
        return state
    new = BackoffState(source, last_success_at=at)
    _save(conn, new)
    return new


def is_unattended(tags: Mapping[str, str]) -> bool:
    return any(tags.get(tag) for tag in UNATTENDED_TAGS)


def backoff_skip_reason(context: dg.AssetExecutionContext, spec: IngestionSpec) -> str | None:
    """Why this run must not call the source's API today (its ladder cadence), else None. The skipped days
    are written to ops.sync_log with status 'skipped', so `dexxy sync status` shows them."""
    if spec.api_resource is None or not is_unattended(context.run.tags):
        return None
    source = spec.settings.group
    now = dt.datetime.now(dt.UTC)
    with context.resources.warehouse.begin() as conn:
        state = load_state(conn, source)
        if state.due_on(now.date()):
            return None
        reason = (
            f"{source} is backed off to {state.cadence()} after {state.consecutive_failures} "
            f"{state.failure_class} failures in a row: next unattended sync on {state.next_due()} "
            "(start a run by hand to try now; a success restores daily)"
        )
        days = partition_dates(context) if spec.partitions else []
        for entity in spec.entities:
            record_sync(
                conn,
                run_id=context.run.run_id,
                asset_key=entity.key.to_user_string(),
                partitions=days,
                started_at=now,
                rows=0,
                problems=0,
                status=SKIPPED,
                detail={"reason": reason, "backoff_level": state.level},
            )
    return reason
