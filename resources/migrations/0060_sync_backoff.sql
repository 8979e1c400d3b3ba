-- The back-off ladder of each source: consecutive failures of one class step its unattended (nightly)
-- cadence down from daily to every 2 days to weekly; a successful sync puts it back to daily.
CREATE TABLE IF NOT EXISTS ops.sync_backoff (
    source               text        PRIMARY KEY,
    failure_class        text,
    consecutive_failures integer     NOT NULL DEFAULT 0,
    level                smallint    NOT NULL DEFAULT 0,
    interval_days        smallint    NOT NULL DEFAULT 1,
    last_failure_at      timestamptz,
    last_failure_run_id  text,
    last_success_at      timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (consecutive_failures >= 0),
    CHECK (level >= 0),
    CHECK (interval_days >= 1)
);
COMMENT ON TABLE ops.sync_backoff IS 'Back-off ladder per source, written by the run-failure and run-success sensors and read by every unattended ingestion run (docs/operations.md, Alerts).';
COMMENT ON COLUMN ops.sync_backoff.source IS 'The registered source, e.g. github, jira.';
COMMENT ON COLUMN ops.sync_backoff.failure_class IS 'Class of the current run of failures (RATE_LIMIT, AUTH_EXPIRED, ...); NULL after a success.';
COMMENT ON COLUMN ops.sync_backoff.consecutive_failures IS 'Failed runs of that class in a row; a failure of another class restarts the count at 1.';
COMMENT ON COLUMN ops.sync_backoff.level IS 'Rung of the ladder: 0 daily, 1 every 2 days, 2 weekly.';
COMMENT ON COLUMN ops.sync_backoff.interval_days IS 'Days between unattended syncs at this rung (1, 2 or 7).';
COMMENT ON COLUMN ops.sync_backoff.last_failure_at IS 'When the latest counted failed run ended; the next unattended sync is due interval_days after its day.';
COMMENT ON COLUMN ops.sync_backoff.last_failure_run_id IS 'Dagster run id of that failure (a run is counted once).';
COMMENT ON COLUMN ops.sync_backoff.last_success_at IS 'When a successful sync last reset the ladder.';
COMMENT ON COLUMN ops.sync_backoff.updated_at IS 'When the row last changed.';
