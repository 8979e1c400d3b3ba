-- Onboarding progress of each synced scope (a Jira project, a watched person): what the onboarding sensor
-- started, and how far its history has been synced.
CREATE TABLE IF NOT EXISTS ops.sync_state (
    source          text        NOT NULL,
    scope           text        NOT NULL,
    status          text        NOT NULL,
    history_start   date,
    synced_through  date,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, scope)
);
COMMENT ON TABLE ops.sync_state IS 'One row per synced scope of a source: written by the onboarding sensor and by the runs it starts.';
COMMENT ON COLUMN ops.sync_state.source IS 'The source, e.g. jira.';
COMMENT ON COLUMN ops.sync_state.scope IS 'What is synced: a Jira project key (PAY), or user:<account id or e-mail> for a JIRA_TRACKED_USERS entry.';
COMMENT ON COLUMN ops.sync_state.status IS 'onboarding (runs requested), synced (every onboarding run succeeded), failed (one failed; the nightly sync still runs), removed (no longer configured).';
COMMENT ON COLUMN ops.sync_state.history_start IS 'First day of history the onboarding backfill covers (the partitions'' start date).';
COMMENT ON COLUMN ops.sync_state.synced_through IS 'Last UTC day whose issues a run of this scope has landed and staged; NULL before the first.';
COMMENT ON COLUMN ops.sync_state.updated_at IS 'When the row last changed.';
