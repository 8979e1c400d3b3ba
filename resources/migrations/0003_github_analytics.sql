-- BI-facing GitHub tables. Every table and column is commented: BI tools show these as descriptions.
CREATE TABLE IF NOT EXISTS analytics.team_members (
    member_id     bigint PRIMARY KEY,
    github_id     bigint  NOT NULL,
    github_login  text    NOT NULL,
    name          text,
    email         text,
    is_bot        boolean NOT NULL,
    is_org_member boolean NOT NULL,
    orgs          text[]  NOT NULL,
    updated_at    timestamptz
);
COMMENT ON TABLE analytics.team_members IS 'People of the organisation: current and former GitHub organisation members, one row each.';
COMMENT ON COLUMN analytics.team_members.member_id IS 'Stable identifier of the person (their GitHub user id).';
COMMENT ON COLUMN analytics.team_members.github_id IS 'GitHub numeric user id.';
COMMENT ON COLUMN analytics.team_members.github_login IS 'GitHub login (username) as last seen.';
COMMENT ON COLUMN analytics.team_members.name IS 'Display name from the GitHub profile, if public.';
COMMENT ON COLUMN analytics.team_members.email IS 'Public e-mail from the GitHub profile, if any.';
COMMENT ON COLUMN analytics.team_members.is_bot IS 'True for GitHub App / bot accounts.';
COMMENT ON COLUMN analytics.team_members.is_org_member IS 'True while the person is a member of at least one synced organisation.';
COMMENT ON COLUMN analytics.team_members.orgs IS 'Synced organisations the person is (or was) a member of.';
COMMENT ON COLUMN analytics.team_members.updated_at IS 'When the GitHub profile was last updated.';

CREATE TABLE IF NOT EXISTS analytics.pull_requests (
    pr_id             bigint PRIMARY KEY,
    repository        text    NOT NULL,
    pr_number         integer NOT NULL,
    title             text,
    url               text,
    author_login      text,
    author_id         bigint,
    state             text    NOT NULL,
    is_draft          boolean NOT NULL,
    is_bot            boolean NOT NULL,
    head_branch       text,
    base_branch       text,
    additions         integer,
    deletions         integer,
    changed_files     integer,
    commits_count     integer,
    review_count      integer NOT NULL,
    first_review_at   timestamptz,
    created_at        timestamptz NOT NULL,
    merged_at         timestamptz,
    closed_at         timestamptz,
    updated_at        timestamptz NOT NULL,
    cycle_time_hours  numeric(12, 2)
);
COMMENT ON TABLE analytics.pull_requests IS 'One row per pull request in its current state, with delivery metrics. See docs/metrics.md.';
COMMENT ON COLUMN analytics.pull_requests.pr_id IS 'GitHub pull request id (globally unique).';
COMMENT ON COLUMN analytics.pull_requests.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.pull_requests.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN analytics.pull_requests.title IS 'Title as last seen.';
COMMENT ON COLUMN analytics.pull_requests.url IS 'Link to the pull request on GitHub.';
COMMENT ON COLUMN analytics.pull_requests.author_login IS 'Login of the author; NULL when the account was deleted.';
COMMENT ON COLUMN analytics.pull_requests.author_id IS 'GitHub user id of the author; joins analytics.team_members.github_id.';
COMMENT ON COLUMN analytics.pull_requests.state IS 'open, merged or closed (closed without merging).';
COMMENT ON COLUMN analytics.pull_requests.is_draft IS 'True while the pull request is a draft.';
COMMENT ON COLUMN analytics.pull_requests.is_bot IS 'True when the author is a bot (dependabot, renovate, ...).';
COMMENT ON COLUMN analytics.pull_requests.head_branch IS 'Source branch name.';
COMMENT ON COLUMN analytics.pull_requests.base_branch IS 'Target branch name.';
COMMENT ON COLUMN analytics.pull_requests.additions IS 'Lines added.';
COMMENT ON COLUMN analytics.pull_requests.deletions IS 'Lines deleted.';
COMMENT ON COLUMN analytics.pull_requests.changed_files IS 'Files changed.';
COMMENT ON COLUMN analytics.pull_requests.commits_count IS 'Commits on the pull request as GitHub counts them.';
COMMENT ON COLUMN analytics.pull_requests.review_count IS 'Submitted reviews by people other than the author, bots excluded.';
COMMENT ON COLUMN analytics.pull_requests.first_review_at IS 'First review submitted by someone other than the author, bots excluded.';
COMMENT ON COLUMN analytics.pull_requests.created_at IS 'When the pull request was opened.';
COMMENT ON COLUMN analytics.pull_requests.merged_at IS 'When it was merged; NULL if not merged.';
COMMENT ON COLUMN analytics.pull_requests.closed_at IS 'When it was closed (merged or not); NULL while open.';
COMMENT ON COLUMN analytics.pull_requests.updated_at IS 'Last activity on the pull request.';
COMMENT ON COLUMN analytics.pull_requests.cycle_time_hours IS 'Hours from created_at to merged_at; NULL unless merged.';

CREATE TABLE IF NOT EXISTS analytics.pr_reviews (
    review_id        bigint PRIMARY KEY,
    pr_id            bigint  NOT NULL,
    repository       text    NOT NULL,
    pr_number        integer NOT NULL,
    reviewer_login   text,
    reviewer_id      bigint,
    reviewer_is_bot  boolean NOT NULL,
    is_self_review   boolean NOT NULL,
    state            text,
    submitted_at     timestamptz,
    hours_after_pr_created numeric(12, 2)
);
COMMENT ON TABLE analytics.pr_reviews IS 'One row per submitted pull request review.';
COMMENT ON COLUMN analytics.pr_reviews.review_id IS 'GitHub review id.';
COMMENT ON COLUMN analytics.pr_reviews.pr_id IS 'The reviewed pull request; joins analytics.pull_requests.pr_id.';
COMMENT ON COLUMN analytics.pr_reviews.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.pr_reviews.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN analytics.pr_reviews.reviewer_login IS 'Login of the reviewer; NULL when the account was deleted.';
COMMENT ON COLUMN analytics.pr_reviews.reviewer_id IS 'GitHub user id of the reviewer.';
COMMENT ON COLUMN analytics.pr_reviews.reviewer_is_bot IS 'True when the reviewer is a bot.';
COMMENT ON COLUMN analytics.pr_reviews.is_self_review IS 'True when the pull request author reviewed (commented on) their own pull request.';
COMMENT ON COLUMN analytics.pr_reviews.state IS 'APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING, as GitHub reports it.';
COMMENT ON COLUMN analytics.pr_reviews.submitted_at IS 'When the review was submitted.';
COMMENT ON COLUMN analytics.pr_reviews.hours_after_pr_created IS 'Hours between the pull request being opened and this review.';

CREATE TABLE IF NOT EXISTS analytics.commits (
    pr_id            bigint  NOT NULL,
    sha              text    NOT NULL,
    repository       text    NOT NULL,
    pr_number        integer NOT NULL,
    author_login     text,
    author_name      text,
    author_email     text,
    authored_at      timestamptz,
    committed_at     timestamptz,
    message_headline text,
    message          text,
    is_merge_commit  boolean NOT NULL,
    co_authors       text[]  NOT NULL,
    PRIMARY KEY (pr_id, sha)
);
COMMENT ON TABLE analytics.commits IS 'Commits of pull requests, one row per (pull request, commit).';
COMMENT ON COLUMN analytics.commits.pr_id IS 'The pull request the commit belongs to.';
COMMENT ON COLUMN analytics.commits.sha IS 'Commit SHA.';
COMMENT ON COLUMN analytics.commits.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.commits.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN analytics.commits.author_login IS 'GitHub login of the commit author, when GitHub could match the e-mail.';
COMMENT ON COLUMN analytics.commits.author_name IS 'Author name from the git commit.';
COMMENT ON COLUMN analytics.commits.author_email IS 'Author e-mail from the git commit.';
COMMENT ON COLUMN analytics.commits.authored_at IS 'Author date of the commit.';
COMMENT ON COLUMN analytics.commits.committed_at IS 'Committer date of the commit.';
COMMENT ON COLUMN analytics.commits.message_headline IS 'First line of the commit message.';
COMMENT ON COLUMN analytics.commits.message IS 'Full commit message.';
COMMENT ON COLUMN analytics.commits.is_merge_commit IS 'True when the commit has more than one parent.';
COMMENT ON COLUMN analytics.commits.co_authors IS 'Co-authored-by trailers of the message, as "Name <email>".';

-- A read-only role for BI tools. Creating roles needs CREATEROLE; on a managed database without it the
-- migration goes on and docs/bi.md says how to grant by hand.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dexxy_bi') THEN
        CREATE ROLE dexxy_bi NOLOGIN;
    END IF;
    GRANT USAGE ON SCHEMA analytics TO dexxy_bi;
    GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO dexxy_bi;
    ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO dexxy_bi;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'no privilege to create role dexxy_bi; see docs/bi.md';
END
$$;
