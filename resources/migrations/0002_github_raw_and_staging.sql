-- GitHub raw payloads (one row per fetched entity) and typed current-state staging tables.
CREATE TABLE IF NOT EXISTS raw.github_members (
    org        text        NOT NULL,
    user_id    bigint,
    login      text,
    fetched_at timestamptz NOT NULL,
    payload    jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS github_members_org_idx ON raw.github_members (org);

CREATE TABLE IF NOT EXISTS raw.github_repositories (
    org        text        NOT NULL,
    repo_id    bigint,
    full_name  text,
    fetched_at timestamptz NOT NULL,
    payload    jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS github_repositories_org_idx ON raw.github_repositories (org);

CREATE TABLE IF NOT EXISTS raw.github_pull_requests (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    pr_id          bigint,
    pr_number      integer,
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS github_pull_requests_partition_idx ON raw.github_pull_requests (partition_date);

CREATE TABLE IF NOT EXISTS raw.github_reviews (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    pr_id          bigint,
    pr_number      integer,
    review_id      bigint,
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS github_reviews_partition_idx ON raw.github_reviews (partition_date);

CREATE TABLE IF NOT EXISTS raw.github_commits (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    pr_id          bigint,
    pr_number      integer,
    sha            text,
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS github_commits_partition_idx ON raw.github_commits (partition_date);

CREATE TABLE IF NOT EXISTS staging.github_users (
    user_id     bigint PRIMARY KEY,
    login       text        NOT NULL,
    name        text,
    email       text,
    user_type   text,
    is_bot      boolean     NOT NULL,
    site_admin  boolean,
    created_at  timestamptz,
    updated_at  timestamptz NOT NULL,
    fetched_at  timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS staging.github_org_members (
    org         text        NOT NULL,
    user_id     bigint      NOT NULL,
    login       text        NOT NULL,
    is_current  boolean     NOT NULL,
    fetched_at  timestamptz NOT NULL,
    PRIMARY KEY (org, user_id)
);

CREATE TABLE IF NOT EXISTS staging.github_repositories (
    repo_id        bigint PRIMARY KEY,
    org            text        NOT NULL,
    full_name      text        NOT NULL,
    name           text        NOT NULL,
    is_private     boolean,
    is_archived    boolean,
    is_fork        boolean,
    default_branch text,
    language       text,
    created_at     timestamptz,
    updated_at     timestamptz NOT NULL,
    pushed_at      timestamptz,
    fetched_at     timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS staging.github_pull_requests (
    pr_id                 bigint PRIMARY KEY,
    repo_full_name        text        NOT NULL,
    pr_number             integer     NOT NULL,
    title                 text,
    body                  text,
    state                 text,
    is_draft              boolean,
    is_merged             boolean,
    author_id             bigint,
    author_login          text,
    author_type           text,
    author_is_bot         boolean     NOT NULL,
    head_ref              text,
    base_ref              text,
    head_sha              text,
    merge_commit_sha      text,
    merged_by_login       text,
    additions             integer,
    deletions             integer,
    changed_files         integer,
    commits_count         integer,
    comments_count        integer,
    review_comments_count integer,
    labels                text[],
    html_url              text,
    created_at            timestamptz,
    updated_at            timestamptz NOT NULL,
    closed_at             timestamptz,
    merged_at             timestamptz,
    partition_date        date        NOT NULL,
    fetched_at            timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_pull_requests_repo_idx
    ON staging.github_pull_requests (repo_full_name, pr_number);

CREATE TABLE IF NOT EXISTS staging.github_pr_reviews (
    review_id      bigint PRIMARY KEY,
    pr_id          bigint      NOT NULL,
    repo_full_name text        NOT NULL,
    pr_number      integer     NOT NULL,
    reviewer_id    bigint,
    reviewer_login text,
    reviewer_type  text,
    reviewer_is_bot boolean    NOT NULL,
    state          text,
    body           text,
    commit_id      text,
    submitted_at   timestamptz,
    pr_updated_at  timestamptz NOT NULL,
    fetched_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_pr_reviews_pr_idx ON staging.github_pr_reviews (pr_id);

CREATE TABLE IF NOT EXISTS staging.github_pr_commits (
    pr_id           bigint      NOT NULL,
    sha             text        NOT NULL,
    repo_full_name  text        NOT NULL,
    pr_number       integer     NOT NULL,
    message         text,
    author_name     text,
    author_email    text,
    author_login    text,
    author_id       bigint,
    committer_login text,
    authored_at     timestamptz,
    committed_at    timestamptz,
    parents_count   integer,
    pr_updated_at   timestamptz NOT NULL,
    fetched_at      timestamptz NOT NULL,
    PRIMARY KEY (pr_id, sha)
);
