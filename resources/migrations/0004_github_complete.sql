-- GitHub, complete: files, check runs, comments, deployments; the PR delivery-metric columns.

-- raw -------------------------------------------------------------------------------------------
-- payload_format: whose shape the payload has (rest or graphql); staging reads both.
ALTER TABLE raw.github_pull_requests
    ADD COLUMN IF NOT EXISTS payload_format text NOT NULL DEFAULT 'rest',
    ADD COLUMN IF NOT EXISTS draft_events   jsonb;
ALTER TABLE raw.github_reviews ADD COLUMN IF NOT EXISTS payload_format text NOT NULL DEFAULT 'rest';
ALTER TABLE raw.github_commits ADD COLUMN IF NOT EXISTS payload_format text NOT NULL DEFAULT 'rest';

CREATE TABLE IF NOT EXISTS raw.github_files (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    pr_id          bigint,
    pr_number      integer,
    path           text,
    payload_format text        NOT NULL DEFAULT 'rest',
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS github_files_partition_idx ON raw.github_files (partition_date);

CREATE TABLE IF NOT EXISTS raw.github_check_runs (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    pr_id          bigint,
    pr_number      integer,
    check_run_id   bigint,
    payload_format text        NOT NULL DEFAULT 'rest',
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS github_check_runs_partition_idx ON raw.github_check_runs (partition_date);

CREATE TABLE IF NOT EXISTS raw.github_comments (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    pr_id          bigint,
    pr_number      integer,
    comment_kind   text        NOT NULL,
    comment_id     bigint,
    payload_format text        NOT NULL DEFAULT 'rest',
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS github_comments_partition_idx ON raw.github_comments (partition_date);

CREATE TABLE IF NOT EXISTS raw.github_deployments (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    deployment_id  bigint,
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL,  -- the deployment
    statuses       jsonb       NOT NULL,  -- its statuses, newest first
    change_set     jsonb                 -- compare(previous successful deployment...this one), or NULL
);
CREATE INDEX IF NOT EXISTS github_deployments_partition_idx ON raw.github_deployments (partition_date);

-- staging ---------------------------------------------------------------------------------------
ALTER TABLE staging.github_pull_requests
    ADD COLUMN IF NOT EXISTS opened_as_draft     boolean,
    ADD COLUMN IF NOT EXISTS ready_for_review_at timestamptz,
    ADD COLUMN IF NOT EXISTS jira_key            text;

CREATE TABLE IF NOT EXISTS staging.github_pr_files (
    pr_id          bigint      NOT NULL,
    path           text        NOT NULL,
    repo_full_name text        NOT NULL,
    pr_number      integer     NOT NULL,
    status         text,
    additions      integer,
    deletions      integer,
    changes        integer,
    previous_path  text,
    file_category  text        NOT NULL,
    pr_updated_at  timestamptz NOT NULL,
    fetched_at     timestamptz NOT NULL,
    PRIMARY KEY (pr_id, path)
);

CREATE TABLE IF NOT EXISTS staging.github_pr_check_runs (
    check_run_id   bigint PRIMARY KEY,
    pr_id          bigint      NOT NULL,
    repo_full_name text        NOT NULL,
    pr_number      integer     NOT NULL,
    head_sha       text,
    name           text,
    app_slug       text,
    status         text,
    conclusion     text,
    started_at     timestamptz,
    completed_at   timestamptz,
    pr_updated_at  timestamptz NOT NULL,
    fetched_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_pr_check_runs_pr_idx ON staging.github_pr_check_runs (pr_id);

CREATE TABLE IF NOT EXISTS staging.github_pr_comments (
    comment_id     bigint      NOT NULL,
    comment_kind   text        NOT NULL,  -- issue (conversation) or review (inline on the diff)
    pr_id          bigint      NOT NULL,
    repo_full_name text        NOT NULL,
    pr_number      integer     NOT NULL,
    author_id      bigint,
    author_login   text,
    author_is_bot  boolean     NOT NULL,
    body           text,
    path           text,
    line           integer,
    in_reply_to_id bigint,
    created_at     timestamptz,
    updated_at     timestamptz,
    pr_updated_at  timestamptz NOT NULL,
    fetched_at     timestamptz NOT NULL,
    PRIMARY KEY (comment_kind, comment_id)
);
CREATE INDEX IF NOT EXISTS stg_github_pr_comments_pr_idx ON staging.github_pr_comments (pr_id);

CREATE TABLE IF NOT EXISTS staging.github_deployments (
    deployment_id          bigint PRIMARY KEY,
    repo_full_name         text        NOT NULL,
    environment            text,
    sha                    text,
    ref                    text,
    task                   text,
    creator_login          text,
    is_production          boolean     NOT NULL,
    latest_state           text,
    succeeded_at           timestamptz,
    created_at             timestamptz,
    updated_at             timestamptz NOT NULL,
    previous_deployment_id bigint,
    change_set_known       boolean     NOT NULL,
    partition_date         date        NOT NULL,
    fetched_at             timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_deployments_repo_env_idx
    ON staging.github_deployments (repo_full_name, environment, created_at);

CREATE TABLE IF NOT EXISTS staging.github_deployment_commits (
    deployment_id  bigint      NOT NULL,
    sha            text        NOT NULL,
    repo_full_name text        NOT NULL,
    fetched_at     timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, sha)
);
CREATE INDEX IF NOT EXISTS stg_github_deployment_commits_sha_idx ON staging.github_deployment_commits (sha);
