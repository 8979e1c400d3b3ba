-- Sync status and admin controls: ops.sync_state per source, scope and entity, with a status a person reads
-- (`dexxy sync status`), the last success, the window or cursor, the last classified error, a stored cadence
-- and a pending trigger; ops.sync_log gains level, source, entity, message, classified code and details.

ALTER TABLE ops.sync_state
    ADD COLUMN IF NOT EXISTS entity          text NOT NULL DEFAULT '*',
    ADD COLUMN IF NOT EXISTS last_success_at timestamptz,
    ADD COLUMN IF NOT EXISTS window_start    date,
    ADD COLUMN IF NOT EXISTS window_end      date,
    ADD COLUMN IF NOT EXISTS sync_cursor     text,
    ADD COLUMN IF NOT EXISTS last_error_code text,
    ADD COLUMN IF NOT EXISTS last_error      text,
    ADD COLUMN IF NOT EXISTS last_error_at   timestamptz,
    ADD COLUMN IF NOT EXISTS reason          text,
    ADD COLUMN IF NOT EXISTS cron_schedule   text,
    ADD COLUMN IF NOT EXISTS requested_at    timestamptz,
    ADD COLUMN IF NOT EXISTS requested_full  boolean NOT NULL DEFAULT false;

-- The Jira onboarding sensor's statuses, in the shared vocabulary.
UPDATE ops.sync_state SET status = CASE status
    WHEN 'onboarding' THEN 'syncing'
    WHEN 'synced' THEN 'active'
    WHEN 'failed' THEN 'error'
    WHEN 'removed' THEN 'disabled'
    ELSE status END;

ALTER TABLE ops.sync_state DROP CONSTRAINT IF EXISTS sync_state_pkey;
ALTER TABLE ops.sync_state ADD PRIMARY KEY (source, scope, entity);
ALTER TABLE ops.sync_state ADD CONSTRAINT sync_state_status_known
    CHECK (status IN ('pending', 'syncing', 'active', 'error', 'paused', 'disabled'));

COMMENT ON TABLE ops.sync_state IS 'One row per source, scope and entity: its sync status, last success, window, last error; scope * is the whole source, entity * every entity of the scope. Written by the ingestion factory, the onboarding sensors and `dexxy sync`.';
COMMENT ON COLUMN ops.sync_state.scope IS 'What is synced: * (the whole source), an organisation (acme), a repository (acme/api), a Jira project key (PAY), or user:<account id or e-mail> for a JIRA_TRACKED_USERS entry.';
COMMENT ON COLUMN ops.sync_state.entity IS 'The ingestion asset key (github/pull_requests), or * for the scope as a whole (where pause, schedule and onboarding live).';
COMMENT ON COLUMN ops.sync_state.status IS 'pending (added, onboarding not started; or a source not synced yet), syncing (runs requested or running), active (last sync succeeded), error (last sync failed; see last_error_code), paused (an admin or a suspended installation stopped it; runs skip), disabled (removed or archived: runs skip, its history stays).';
COMMENT ON COLUMN ops.sync_state.last_success_at IS 'When a sync of this row last succeeded.';
COMMENT ON COLUMN ops.sync_state.window_start IS 'First UTC day of the last successful sync''s window (NULL for a snapshot).';
COMMENT ON COLUMN ops.sync_state.window_end IS 'Last UTC day of the last successful sync''s window (NULL for a snapshot).';
COMMENT ON COLUMN ops.sync_state.sync_cursor IS 'An incremental cursor, for a source that syncs by cursor instead of by window.';
COMMENT ON COLUMN ops.sync_state.last_error_code IS 'Classified code of the last failure (RATE_LIMIT, AUTH_EXPIRED, PERMISSION, ...); kept after a success for the record, cleared by none.';
COMMENT ON COLUMN ops.sync_state.last_error IS 'One line of the last failure (no secrets: the error message of the shared HTTP client).';
COMMENT ON COLUMN ops.sync_state.last_error_at IS 'When the last failure happened.';
COMMENT ON COLUMN ops.sync_state.reason IS 'Why the status last changed by hand or by an event (pause, removal, suspension).';
COMMENT ON COLUMN ops.sync_state.cron_schedule IS 'A cadence set with `dexxy sync schedule` (UTC cron); NULL: the source''s nightly automation.';
COMMENT ON COLUMN ops.sync_state.requested_at IS 'A trigger waiting for the sync_control sensor (`dexxy sync trigger`); NULL once requested.';
COMMENT ON COLUMN ops.sync_state.requested_full IS 'The waiting trigger covers the whole history (--full), not only yesterday and today.';

ALTER TABLE ops.sync_log
    ADD COLUMN IF NOT EXISTS level          text NOT NULL DEFAULT 'info',
    ADD COLUMN IF NOT EXISTS source         text,
    ADD COLUMN IF NOT EXISTS scope          text,
    ADD COLUMN IF NOT EXISTS entity         text,
    ADD COLUMN IF NOT EXISTS message        text,
    ADD COLUMN IF NOT EXISTS classified_code text;
ALTER TABLE ops.sync_log ALTER COLUMN asset_key DROP NOT NULL;
ALTER TABLE ops.sync_log ADD CONSTRAINT sync_log_level_known CHECK (level IN ('debug', 'info', 'warning', 'error'));
CREATE INDEX IF NOT EXISTS sync_log_source_idx ON ops.sync_log (source, finished_at DESC);

COMMENT ON TABLE ops.sync_log IS 'What happened to syncing: one row per ingestion run and entity (rows, API cost), per skip and failure, and per admin action (pause, resume, trigger, schedule, scope change).';
COMMENT ON COLUMN ops.sync_log.level IS 'info, warning (a skip, a pause) or error (a failed sync).';
COMMENT ON COLUMN ops.sync_log.source IS 'The source (github, copilot, jira).';
COMMENT ON COLUMN ops.sync_log.scope IS 'The scope the row is about (* for the whole source).';
COMMENT ON COLUMN ops.sync_log.entity IS 'The entity (asset key) the row is about; NULL for a source- or scope-wide action.';
COMMENT ON COLUMN ops.sync_log.message IS 'One line a person reads: what happened, and for a failure what to do.';
COMMENT ON COLUMN ops.sync_log.classified_code IS 'The failure class (RATE_LIMIT, AUTH_EXPIRED, ...) of an error row.';
COMMENT ON COLUMN ops.sync_log.detail IS 'Details: API usage, the admin action and its arguments, the error class.';
