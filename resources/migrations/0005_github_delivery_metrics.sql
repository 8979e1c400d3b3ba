-- Delivery metrics on analytics.pull_requests, and the files / check runs / comments / deployments tables.
ALTER TABLE analytics.pull_requests
    ADD COLUMN IF NOT EXISTS jira_key                   text,
    ADD COLUMN IF NOT EXISTS is_revert                  boolean,
    ADD COLUMN IF NOT EXISTS is_hotfix                  boolean,
    ADD COLUMN IF NOT EXISTS total_comments             integer,
    ADD COLUMN IF NOT EXISTS first_commit_at            timestamptz,
    ADD COLUMN IF NOT EXISTS ready_for_review_at        timestamptz,
    ADD COLUMN IF NOT EXISTS first_response_at          timestamptz,
    ADD COLUMN IF NOT EXISTS deployed_at                timestamptz,
    ADD COLUMN IF NOT EXISTS deployment_id              bigint,
    ADD COLUMN IF NOT EXISTS review_time_hours          numeric(12, 2),
    ADD COLUMN IF NOT EXISTS review_rounds              integer,
    ADD COLUMN IF NOT EXISTS avg_fix_response_hours     numeric(12, 2),
    ADD COLUMN IF NOT EXISTS commits_after_first_review integer,
    ADD COLUMN IF NOT EXISTS coding_time_hours          numeric(12, 2),
    ADD COLUMN IF NOT EXISTS pickup_time_hours          numeric(12, 2),
    ADD COLUMN IF NOT EXISTS review_phase_hours         numeric(12, 2),
    ADD COLUMN IF NOT EXISTS deploy_time_hours          numeric(12, 2),
    ADD COLUMN IF NOT EXISTS lead_time_hours            numeric(12, 2);
COMMENT ON COLUMN analytics.pull_requests.jira_key IS 'The Jira issue the pull request belongs to: the best key from title, branch, body.';
COMMENT ON COLUMN analytics.pull_requests.is_revert IS 'True for a revert (title starts with Revert " or the branch with revert-).';
COMMENT ON COLUMN analytics.pull_requests.is_hotfix IS 'True for a hotfix (hotfix branch, title or label).';
COMMENT ON COLUMN analytics.pull_requests.total_comments IS 'Conversation plus inline review comments by people (bots excluded).';
COMMENT ON COLUMN analytics.pull_requests.first_commit_at IS 'Author date of the earliest commit of the pull request.';
COMMENT ON COLUMN analytics.pull_requests.ready_for_review_at IS 'When it became ready for review: created_at, or the end of its initial draft.';
COMMENT ON COLUMN analytics.pull_requests.first_response_at IS 'First review or comment by someone other than the author (bots excluded).';
COMMENT ON COLUMN analytics.pull_requests.deployed_at IS 'When the first successful production deployment containing the merge commit succeeded.';
COMMENT ON COLUMN analytics.pull_requests.deployment_id IS 'That deployment; joins analytics.deployments.deployment_id.';
COMMENT ON COLUMN analytics.pull_requests.review_time_hours IS 'Hours from created_at to the first review (bots and self-reviews excluded).';
COMMENT ON COLUMN analytics.pull_requests.review_rounds IS 'Times changes were requested and new commits followed.';
COMMENT ON COLUMN analytics.pull_requests.avg_fix_response_hours IS 'Average hours from a changes-requested review to the first commit after it, over review rounds.';
COMMENT ON COLUMN analytics.pull_requests.commits_after_first_review IS 'Commits committed after the first review.';
COMMENT ON COLUMN analytics.pull_requests.coding_time_hours IS 'Phase 1: first commit to ready for review (draft time counts as coding).';
COMMENT ON COLUMN analytics.pull_requests.pickup_time_hours IS 'Phase 2: ready for review to the first review or comment by someone else.';
COMMENT ON COLUMN analytics.pull_requests.review_phase_hours IS 'Phase 3: that first response to merge.';
COMMENT ON COLUMN analytics.pull_requests.deploy_time_hours IS 'Phase 4: merge to deployed_at.';
COMMENT ON COLUMN analytics.pull_requests.lead_time_hours IS 'First commit to deployed_at.';

CREATE TABLE IF NOT EXISTS analytics.pr_files (
    pr_id          bigint  NOT NULL,
    path           text    NOT NULL,
    repository     text    NOT NULL,
    pr_number      integer NOT NULL,
    status         text,
    additions      integer,
    deletions      integer,
    file_category  text    NOT NULL,
    PRIMARY KEY (pr_id, path)
);
COMMENT ON TABLE analytics.pr_files IS 'Files changed by pull requests (GitHub lists at most 3000 per pull request).';
COMMENT ON COLUMN analytics.pr_files.pr_id IS 'The pull request; joins analytics.pull_requests.pr_id.';
COMMENT ON COLUMN analytics.pr_files.path IS 'File path in the repository (after a rename).';
COMMENT ON COLUMN analytics.pr_files.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.pr_files.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN analytics.pr_files.status IS 'added, modified, removed, renamed, copied or changed.';
COMMENT ON COLUMN analytics.pr_files.additions IS 'Lines added in this file.';
COMMENT ON COLUMN analytics.pr_files.deletions IS 'Lines deleted in this file.';
COMMENT ON COLUMN analytics.pr_files.file_category IS 'frontend, backend, test, docs, config, infra, data or other (rules in docs/metrics.md).';

CREATE TABLE IF NOT EXISTS analytics.pr_check_runs (
    check_run_id     bigint PRIMARY KEY,
    pr_id            bigint  NOT NULL,
    repository       text    NOT NULL,
    pr_number        integer NOT NULL,
    head_sha         text,
    name             text,
    app_slug         text,
    status           text,
    conclusion       text,
    started_at       timestamptz,
    completed_at     timestamptz,
    duration_seconds integer
);
COMMENT ON TABLE analytics.pr_check_runs IS 'CI check runs on the head commit of each pull request.';
COMMENT ON COLUMN analytics.pr_check_runs.check_run_id IS 'GitHub check run id.';
COMMENT ON COLUMN analytics.pr_check_runs.pr_id IS 'The pull request; joins analytics.pull_requests.pr_id.';
COMMENT ON COLUMN analytics.pr_check_runs.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.pr_check_runs.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN analytics.pr_check_runs.head_sha IS 'The commit the check ran on.';
COMMENT ON COLUMN analytics.pr_check_runs.name IS 'Check name, e.g. build or test.';
COMMENT ON COLUMN analytics.pr_check_runs.app_slug IS 'The app that ran it, e.g. github-actions.';
COMMENT ON COLUMN analytics.pr_check_runs.status IS 'queued, in_progress or completed.';
COMMENT ON COLUMN analytics.pr_check_runs.conclusion IS 'success, failure, neutral, cancelled, skipped, timed_out or action_required; NULL until completed.';
COMMENT ON COLUMN analytics.pr_check_runs.started_at IS 'When it started.';
COMMENT ON COLUMN analytics.pr_check_runs.completed_at IS 'When it completed; NULL while running.';
COMMENT ON COLUMN analytics.pr_check_runs.duration_seconds IS 'completed_at minus started_at; NULL while running or if negative.';

CREATE TABLE IF NOT EXISTS analytics.pr_comments (
    comment_id     bigint  NOT NULL,
    comment_kind   text    NOT NULL,
    pr_id          bigint  NOT NULL,
    repository     text    NOT NULL,
    pr_number      integer NOT NULL,
    author_login   text,
    author_id      bigint,
    author_is_bot  boolean NOT NULL,
    is_pr_author   boolean NOT NULL,
    path           text,
    line           integer,
    in_reply_to_id bigint,
    created_at     timestamptz,
    updated_at     timestamptz,
    PRIMARY KEY (comment_kind, comment_id)
);
COMMENT ON TABLE analytics.pr_comments IS 'Comments on pull requests: conversation (issue) and inline review comments.';
COMMENT ON COLUMN analytics.pr_comments.comment_id IS 'GitHub comment id (unique within its kind).';
COMMENT ON COLUMN analytics.pr_comments.comment_kind IS 'issue (conversation) or review (inline on the diff).';
COMMENT ON COLUMN analytics.pr_comments.pr_id IS 'The pull request; joins analytics.pull_requests.pr_id.';
COMMENT ON COLUMN analytics.pr_comments.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.pr_comments.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN analytics.pr_comments.author_login IS 'Login of the commenter; NULL when the account was deleted.';
COMMENT ON COLUMN analytics.pr_comments.author_id IS 'GitHub user id of the commenter.';
COMMENT ON COLUMN analytics.pr_comments.author_is_bot IS 'True when a bot wrote it.';
COMMENT ON COLUMN analytics.pr_comments.is_pr_author IS 'True when the pull request author wrote it.';
COMMENT ON COLUMN analytics.pr_comments.path IS 'File the inline comment is on; NULL for conversation comments.';
COMMENT ON COLUMN analytics.pr_comments.line IS 'Line the inline comment is on.';
COMMENT ON COLUMN analytics.pr_comments.in_reply_to_id IS 'The inline comment this one replies to.';
COMMENT ON COLUMN analytics.pr_comments.created_at IS 'When it was written.';
COMMENT ON COLUMN analytics.pr_comments.updated_at IS 'When it was last edited.';

CREATE TABLE IF NOT EXISTS analytics.deployments (
    deployment_id          bigint PRIMARY KEY,
    repository             text    NOT NULL,
    environment            text,
    is_production          boolean NOT NULL,
    sha                    text,
    ref                    text,
    creator_login          text,
    created_at             timestamptz,
    latest_state           text,
    is_successful          boolean NOT NULL,
    succeeded_at           timestamptz,
    previous_deployment_id bigint,
    commits_count          integer,
    pull_requests_count    integer
);
COMMENT ON TABLE analytics.deployments IS 'Deployments with their outcome and change set (commits since the previous successful deployment of the same environment).';
COMMENT ON COLUMN analytics.deployments.deployment_id IS 'GitHub deployment id.';
COMMENT ON COLUMN analytics.deployments.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.deployments.environment IS 'Environment name as sent by the deploy tool.';
COMMENT ON COLUMN analytics.deployments.is_production IS 'True for production environments (production, prod, live).';
COMMENT ON COLUMN analytics.deployments.sha IS 'Commit deployed.';
COMMENT ON COLUMN analytics.deployments.ref IS 'Ref deployed (branch or tag).';
COMMENT ON COLUMN analytics.deployments.creator_login IS 'Who or what created the deployment.';
COMMENT ON COLUMN analytics.deployments.created_at IS 'When the deployment was created.';
COMMENT ON COLUMN analytics.deployments.latest_state IS 'State of its newest status: success, failure, error, inactive, in_progress, queued, pending.';
COMMENT ON COLUMN analytics.deployments.is_successful IS 'True when a status reported success.';
COMMENT ON COLUMN analytics.deployments.succeeded_at IS 'When it first reported success.';
COMMENT ON COLUMN analytics.deployments.previous_deployment_id IS 'The previous successful deployment of the same repository and environment.';
COMMENT ON COLUMN analytics.deployments.commits_count IS 'Commits in its change set; NULL when unknown (the first deployment ever, or not successful).';
COMMENT ON COLUMN analytics.deployments.pull_requests_count IS 'Pull requests whose merge commit is in its change set.';
