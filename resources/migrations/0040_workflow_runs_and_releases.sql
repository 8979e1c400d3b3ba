-- GitHub Actions workflow runs and releases: raw (payload verbatim, daily partitions by creation day) and
-- staging (typed, newest version wins). Deployments for teams that never call the Deployments API.
CREATE TABLE IF NOT EXISTS raw.github_workflow_runs (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    run_id         bigint,
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL,
    partition_row  integer     NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS github_workflow_runs_key ON raw.github_workflow_runs (partition_date, partition_row);
COMMENT ON TABLE raw.github_workflow_runs IS 'GitHub Actions workflow runs as the API returned them, one row per run and partition (the UTC day it was created), for the repositories a DEXXY_DEPLOYMENT_RULES workflow rule covers.';
COMMENT ON COLUMN raw.github_workflow_runs.partition_date IS 'The UTC day the run was created: its daily partition.';
COMMENT ON COLUMN raw.github_workflow_runs.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN raw.github_workflow_runs.run_id IS 'GitHub workflow run id; NULL when unreadable.';
COMMENT ON COLUMN raw.github_workflow_runs.fetched_at IS 'When the run that landed it read it.';
COMMENT ON COLUMN raw.github_workflow_runs.payload IS 'The workflow run as the API returned it.';
COMMENT ON COLUMN raw.github_workflow_runs.partition_row IS '1-based position within its partition in the load that wrote it (the raw key with partition_date).';

CREATE TABLE IF NOT EXISTS raw.github_releases (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    release_id     bigint,
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL,
    partition_row  integer     NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS github_releases_key ON raw.github_releases (partition_date, partition_row);
COMMENT ON TABLE raw.github_releases IS 'Releases as the API returned them, one row per release and partition (the UTC day it was created), for the repositories a DEXXY_DEPLOYMENT_RULES release rule covers.';
COMMENT ON COLUMN raw.github_releases.partition_date IS 'The UTC day the release was created: its daily partition.';
COMMENT ON COLUMN raw.github_releases.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN raw.github_releases.release_id IS 'GitHub release id; NULL when unreadable.';
COMMENT ON COLUMN raw.github_releases.fetched_at IS 'When the run that landed it read it.';
COMMENT ON COLUMN raw.github_releases.payload IS 'The release as the API returned it.';
COMMENT ON COLUMN raw.github_releases.partition_row IS '1-based position within its partition in the load that wrote it (the raw key with partition_date).';

CREATE TABLE IF NOT EXISTS staging.github_workflow_runs (
    run_id         bigint PRIMARY KEY,
    repo_full_name text        NOT NULL,
    workflow_id    bigint,
    name           text,
    path           text,
    head_branch    text,
    head_sha       text,
    event          text,
    status         text,
    conclusion     text,
    run_attempt    integer,
    actor_login    text,
    created_at     timestamptz NOT NULL,
    run_started_at timestamptz,
    updated_at     timestamptz NOT NULL,
    partition_date date        NOT NULL,
    fetched_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_workflow_runs_repo_idx ON staging.github_workflow_runs (repo_full_name, created_at);
COMMENT ON TABLE staging.github_workflow_runs IS 'GitHub Actions workflow runs in their newest fetched state.';
COMMENT ON COLUMN staging.github_workflow_runs.run_id IS 'GitHub workflow run id.';
COMMENT ON COLUMN staging.github_workflow_runs.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN staging.github_workflow_runs.workflow_id IS 'The workflow the run belongs to.';
COMMENT ON COLUMN staging.github_workflow_runs.name IS 'Workflow name (what deployment rules match, with path).';
COMMENT ON COLUMN staging.github_workflow_runs.path IS 'Workflow file path, e.g. .github/workflows/deploy.yml.';
COMMENT ON COLUMN staging.github_workflow_runs.head_branch IS 'Branch the run ran on.';
COMMENT ON COLUMN staging.github_workflow_runs.head_sha IS 'Commit the run ran on.';
COMMENT ON COLUMN staging.github_workflow_runs.event IS 'What triggered it: push, workflow_dispatch, release, schedule...';
COMMENT ON COLUMN staging.github_workflow_runs.status IS 'queued, in_progress, completed, requested, waiting or pending.';
COMMENT ON COLUMN staging.github_workflow_runs.conclusion IS 'Once completed: success, failure, cancelled, skipped, timed_out, startup_failure...';
COMMENT ON COLUMN staging.github_workflow_runs.run_attempt IS 'Attempt number (re-runs reuse the run id).';
COMMENT ON COLUMN staging.github_workflow_runs.actor_login IS 'Who or what started it.';
COMMENT ON COLUMN staging.github_workflow_runs.created_at IS 'When the run was created.';
COMMENT ON COLUMN staging.github_workflow_runs.run_started_at IS 'When its current attempt started.';
COMMENT ON COLUMN staging.github_workflow_runs.updated_at IS 'Last change; for a completed run, when it finished.';
COMMENT ON COLUMN staging.github_workflow_runs.partition_date IS 'The raw partition it was parsed from.';
COMMENT ON COLUMN staging.github_workflow_runs.fetched_at IS 'When that version was fetched.';

CREATE TABLE IF NOT EXISTS staging.github_releases (
    release_id       bigint PRIMARY KEY,
    repo_full_name   text        NOT NULL,
    tag_name         text,
    name             text,
    target_commitish text,
    is_draft         boolean     NOT NULL,
    is_prerelease    boolean     NOT NULL,
    author_login     text,
    created_at       timestamptz NOT NULL,
    published_at     timestamptz,
    updated_at       timestamptz NOT NULL,
    partition_date   date        NOT NULL,
    fetched_at       timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_releases_repo_idx ON staging.github_releases (repo_full_name, created_at);
COMMENT ON TABLE staging.github_releases IS 'Releases in their newest fetched state.';
COMMENT ON COLUMN staging.github_releases.release_id IS 'GitHub release id.';
COMMENT ON COLUMN staging.github_releases.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN staging.github_releases.tag_name IS 'Tag of the release (what deployment rules match).';
COMMENT ON COLUMN staging.github_releases.name IS 'Release title.';
COMMENT ON COLUMN staging.github_releases.target_commitish IS 'Branch or commit the tag was created from.';
COMMENT ON COLUMN staging.github_releases.is_draft IS 'True for an unpublished draft (never a deployment).';
COMMENT ON COLUMN staging.github_releases.is_prerelease IS 'True for a pre-release (a deployment only if its rule says prereleases: true).';
COMMENT ON COLUMN staging.github_releases.author_login IS 'Who created it.';
COMMENT ON COLUMN staging.github_releases.created_at IS 'When it was created.';
COMMENT ON COLUMN staging.github_releases.published_at IS 'When it was published; NULL for drafts.';
COMMENT ON COLUMN staging.github_releases.updated_at IS 'Its newest change: published_at, else created_at (version for newest-wins).';
COMMENT ON COLUMN staging.github_releases.partition_date IS 'The raw partition it was parsed from.';
COMMENT ON COLUMN staging.github_releases.fetched_at IS 'When that version was fetched.';
