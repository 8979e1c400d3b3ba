"""Follow one run's event log with a cursor: each poll reads only the events written since the last one, so
watching a run costs the same whatever its size (not assets times partitions per refresh)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import dagster as dg

from dexxy_assets.sync.ingestion_hooks import HOLD_METADATA, NOTE_METADATA
from sensors.failure_classification import classify_failure, root_cause_message

_FOLLOWED = {
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.RUN_FAILURE,
}
_PAGE = 1000


@dataclass(frozen=True)
class StepFailure:
    step_key: str
    cause: str
    fix: str
    message: str
    trace: str

    def one_line(self) -> str:
        return f"{self.step_key}: {self.cause}: {self.message} → {self.fix}"


class RunFollower:
    """Partitions materialized per asset and the failures of one run, from its event log."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str) -> None:
        self.instance = instance
        self.run_id = run_id
        self.done: dict[str, set[str | None]] = defaultdict(set)
        self.failures: list[StepFailure] = []
        self.run_failure: str | None = None
        self.held: dict[str, str] = {}  # asset -> why the sync control held it back (paused, ...)
        self.noted: dict[str, str] = {}  # asset -> why it landed nothing (an org without Copilot, ...)
        self.latest: str | None = None
        self.records_read = 0
        self._cursor: str | None = None

    def poll(self) -> None:
        """Read the events written since the previous poll."""
        while True:
            connection = self.instance.get_records_for_run(
                self.run_id, cursor=self._cursor, of_type=_FOLLOWED, limit=_PAGE
            )
            for record in connection.records:
                self._read(record.event_log_entry)
            self.records_read += len(connection.records)
            self._cursor = connection.cursor
            if not connection.has_more:
                return

    def partitions_done(self) -> int:
        return sum(len(partitions) for partitions in self.done.values())

    def _read(self, entry: dg.EventLogEntry) -> None:
        event = entry.dagster_event
        if event is None:
            return
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION and event.asset_key is not None:
            key = event.asset_key.to_user_string()
            self.done[key].add(event.partition)
            self.latest = key
            metadata = event.step_materialization_data.materialization.metadata
            for found, name in ((self.held, HOLD_METADATA), (self.noted, NOTE_METADATA)):
                if name in metadata:
                    found[key] = str(metadata[name].value)
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            if error is not None:
                message = root_cause_message(error)
                cause = classify_failure(message)
                self.failures.append(
                    StepFailure(
                        step_key=event.step_key or "?",
                        cause=cause.category,
                        fix=cause.action,
                        message=message,
                        trace=error.to_string(),
                    )
                )
        elif event.event_type == dg.DagsterEventType.RUN_FAILURE:
            self.run_failure = event.message or entry.user_message
