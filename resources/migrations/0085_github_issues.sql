-- GitHub issues, issue comments, discussions and discussion comments: raw (payload verbatim, daily partitions
-- by the UTC day of updated_at) and staging (typed, newest version wins). Their analytics tables follow.
CREATE TABLE IF NOT EXISTS raw.github_issues (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    issue_id       bigint,
    issue_node_id  text,
    issue_number   integer,
    fetched_at     timestamptz NOT NULL,
    payload_format text        NOT NULL,
    payload        jsonb       NOT NULL,
    timeline       jsonb,
    partition_row  integer     NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS github_issues_key ON raw.github_issues (partition_date, partition_row);
COMMENT ON TABLE raw.github_issues IS 'GitHub issues (never pull requests) as the API returned them, one row per issue and partition (the UTC day it was last updated).';
COMMENT ON COLUMN raw.github_issues.partition_date IS 'The UTC day the issue was last updated: its daily partition.';
COMMENT ON COLUMN raw.github_issues.repo_full_name IS 'Repository as owner/name (the one it was listed in).';
COMMENT ON COLUMN raw.github_issues.issue_id IS 'GitHub issue id; NULL when unreadable.';
COMMENT ON COLUMN raw.github_issues.issue_node_id IS 'GitHub global node id: what identifies an issue across a transfer.';
COMMENT ON COLUMN raw.github_issues.issue_number IS 'Issue number within the repository.';
COMMENT ON COLUMN raw.github_issues.fetched_at IS 'When the run that landed it read it.';
COMMENT ON COLUMN raw.github_issues.payload_format IS 'Shape of the payload: rest, or graphql (GraphQL field names); staging reads both.';
COMMENT ON COLUMN raw.github_issues.payload IS 'The issue as the API returned it (GraphQL: without its comments, which raw.github_issue_comments holds).';
COMMENT ON COLUMN raw.github_issues.timeline IS 'REST only: the issue''s timeline events as GET /issues/{n}/timeline returned them (GraphQL carries them in the payload).';
COMMENT ON COLUMN raw.github_issues.partition_row IS '1-based position within its partition in the load that wrote it (the raw key with partition_date).';

CREATE TABLE IF NOT EXISTS raw.github_issue_comments (
    partition_date date        NOT NULL,
    repo_full_name text        NOT NULL,
    comment_id     bigint,
    issue_number   integer,
    fetched_at     timestamptz NOT NULL,
    payload_format text        NOT NULL,
    payload        jsonb       NOT NULL,
    partition_row  integer     NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS github_issue_comments_key ON raw.github_issue_comments (partition_date, partition_row);
COMMENT ON TABLE raw.github_issue_comments IS 'Comments on GitHub issues (not on pull requests) as the API returned them, one row per comment and partition (the UTC day it was last updated).';
COMMENT ON COLUMN raw.github_issue_comments.partition_date IS 'The UTC day the comment was last updated: its daily partition.';
COMMENT ON COLUMN raw.github_issue_comments.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN raw.github_issue_comments.comment_id IS 'GitHub comment id; NULL when unreadable.';
COMMENT ON COLUMN raw.github_issue_comments.issue_number IS 'Number of the issue it is on.';
COMMENT ON COLUMN raw.github_issue_comments.fetched_at IS 'When the run that landed it read it.';
COMMENT ON COLUMN raw.github_issue_comments.payload_format IS 'Shape of the payload: rest, or graphql (GraphQL field names); staging reads both.';
COMMENT ON COLUMN raw.github_issue_comments.payload IS 'The comment as the API returned it.';
COMMENT ON COLUMN raw.github_issue_comments.partition_row IS '1-based position within its partition in the load that wrote it (the raw key with partition_date).';

CREATE TABLE IF NOT EXISTS raw.github_discussions (
    partition_date     date        NOT NULL,
    repo_full_name     text        NOT NULL,
    discussion_id      bigint,
    discussion_node_id text,
    fetched_at         timestamptz NOT NULL,
    payload_format     text        NOT NULL,
    payload            jsonb       NOT NULL,
    partition_row      integer     NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS github_discussions_key ON raw.github_discussions (partition_date, partition_row);
COMMENT ON TABLE raw.github_discussions IS 'GitHub discussions as the GraphQL API returned them, one row per discussion and partition (the UTC day it was last updated), and a deleted row when a sync found a staged discussion gone.';
COMMENT ON COLUMN raw.github_discussions.partition_date IS 'The UTC day the discussion was last updated (a deleted row: the run''s last day): its daily partition.';
COMMENT ON COLUMN raw.github_discussions.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN raw.github_discussions.discussion_id IS 'GitHub discussion database id; NULL when unreadable or deleted.';
COMMENT ON COLUMN raw.github_discussions.discussion_node_id IS 'GitHub global node id of the discussion.';
COMMENT ON COLUMN raw.github_discussions.fetched_at IS 'When the run that landed it read it (a deleted row: when the deletion was seen).';
COMMENT ON COLUMN raw.github_discussions.payload_format IS 'graphql, or deleted: GitHub answered NOT_FOUND for a discussion staged before (the payload is the lookup''s error).';
COMMENT ON COLUMN raw.github_discussions.payload IS 'The discussion as the API returned it (without its comments, which raw.github_discussion_comments holds).';
COMMENT ON COLUMN raw.github_discussions.partition_row IS '1-based position within its partition in the load that wrote it (the raw key with partition_date).';

CREATE TABLE IF NOT EXISTS raw.github_discussion_comments (
    partition_date     date        NOT NULL,
    repo_full_name     text        NOT NULL,
    comment_node_id    text,
    discussion_node_id text,
    fetched_at         timestamptz NOT NULL,
    payload            jsonb       NOT NULL,
    partition_row      integer     NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS github_discussion_comments_key ON raw.github_discussion_comments (partition_date, partition_row);
COMMENT ON TABLE raw.github_discussion_comments IS 'Discussion comments and replies as the GraphQL API returned them, one row per comment and partition (the UTC day it was last updated).';
COMMENT ON COLUMN raw.github_discussion_comments.partition_date IS 'The UTC day the comment was last updated: its daily partition.';
COMMENT ON COLUMN raw.github_discussion_comments.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN raw.github_discussion_comments.comment_node_id IS 'GitHub global node id of the comment.';
COMMENT ON COLUMN raw.github_discussion_comments.discussion_node_id IS 'Node id of its discussion.';
COMMENT ON COLUMN raw.github_discussion_comments.fetched_at IS 'When the run that landed it read it.';
COMMENT ON COLUMN raw.github_discussion_comments.payload IS 'The comment as the API returned it (a top-level comment without its replies, which have rows of their own).';
COMMENT ON COLUMN raw.github_discussion_comments.partition_row IS '1-based position within its partition in the load that wrote it (the raw key with partition_date).';

CREATE TABLE IF NOT EXISTS staging.github_issues (
    issue_node_id      text PRIMARY KEY,
    issue_id           bigint,
    repo_full_name     text        NOT NULL,
    issue_number       integer     NOT NULL,
    title              text,
    url                text,
    author_login       text,
    author_is_bot      boolean     NOT NULL,
    state              text        NOT NULL,
    state_reason       text,
    labels             text[]      NOT NULL,
    assignees          text[]      NOT NULL,
    comments_count     integer,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    closed_at          timestamptz,
    closed_by_login    text,
    closing_commit_sha text,
    reopened_count     integer     NOT NULL,
    transferred_at     timestamptz,
    partition_date     date        NOT NULL,
    fetched_at         timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_issues_repo_idx ON staging.github_issues (repo_full_name, issue_number);
COMMENT ON TABLE staging.github_issues IS 'GitHub issues in their newest fetched state, one row per issue by node id (a transferred issue is one row, in its new repository).';
COMMENT ON COLUMN staging.github_issues.issue_node_id IS 'GitHub global node id (kept across a transfer).';
COMMENT ON COLUMN staging.github_issues.issue_id IS 'GitHub issue id.';
COMMENT ON COLUMN staging.github_issues.repo_full_name IS 'Repository as owner/name where the issue is now.';
COMMENT ON COLUMN staging.github_issues.issue_number IS 'Issue number within that repository.';
COMMENT ON COLUMN staging.github_issues.title IS 'Issue title.';
COMMENT ON COLUMN staging.github_issues.url IS 'The issue''s web page.';
COMMENT ON COLUMN staging.github_issues.author_login IS 'Who opened it; NULL when the account was deleted (GitHub''s ghost).';
COMMENT ON COLUMN staging.github_issues.author_is_bot IS 'True when a bot opened it.';
COMMENT ON COLUMN staging.github_issues.state IS 'open or closed.';
COMMENT ON COLUMN staging.github_issues.state_reason IS 'Why it is in its state, lower case: completed, not_planned, duplicate, reopened; NULL when never closed. Unknown values are kept (and counted).';
COMMENT ON COLUMN staging.github_issues.labels IS 'Label names, sorted.';
COMMENT ON COLUMN staging.github_issues.assignees IS 'Assignee logins, sorted.';
COMMENT ON COLUMN staging.github_issues.comments_count IS 'Number of comments GitHub reports.';
COMMENT ON COLUMN staging.github_issues.created_at IS 'When it was opened.';
COMMENT ON COLUMN staging.github_issues.updated_at IS 'Last change (version for newest-wins).';
COMMENT ON COLUMN staging.github_issues.closed_at IS 'When it was last closed; NULL while open.';
COMMENT ON COLUMN staging.github_issues.closed_by_login IS 'Who closed it last (from the timeline); NULL while open or for a deleted account.';
COMMENT ON COLUMN staging.github_issues.closing_commit_sha IS 'The commit whose push closed it last: a merged pull request''s merge commit when one closed it.';
COMMENT ON COLUMN staging.github_issues.reopened_count IS 'How many times it was reopened (timeline reopened events).';
COMMENT ON COLUMN staging.github_issues.transferred_at IS 'When it was last transferred from another repository; NULL if never.';
COMMENT ON COLUMN staging.github_issues.partition_date IS 'The raw partition it was parsed from.';
COMMENT ON COLUMN staging.github_issues.fetched_at IS 'When that version was fetched.';

CREATE TABLE IF NOT EXISTS staging.github_issue_comments (
    comment_id     bigint PRIMARY KEY,
    comment_node_id text,
    repo_full_name text        NOT NULL,
    issue_number   integer     NOT NULL,
    author_login   text,
    author_is_bot  boolean     NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    partition_date date        NOT NULL,
    fetched_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_issue_comments_issue_idx ON staging.github_issue_comments (repo_full_name, issue_number);
COMMENT ON TABLE staging.github_issue_comments IS 'Comments on GitHub issues in their newest fetched state.';
COMMENT ON COLUMN staging.github_issue_comments.comment_id IS 'GitHub comment id.';
COMMENT ON COLUMN staging.github_issue_comments.comment_node_id IS 'GitHub global node id of the comment.';
COMMENT ON COLUMN staging.github_issue_comments.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN staging.github_issue_comments.issue_number IS 'Number of the issue it is on.';
COMMENT ON COLUMN staging.github_issue_comments.author_login IS 'Commenter; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_issue_comments.author_is_bot IS 'True when a bot wrote it.';
COMMENT ON COLUMN staging.github_issue_comments.created_at IS 'When it was written.';
COMMENT ON COLUMN staging.github_issue_comments.updated_at IS 'Last edit (version for newest-wins).';
COMMENT ON COLUMN staging.github_issue_comments.partition_date IS 'The raw partition it was parsed from.';
COMMENT ON COLUMN staging.github_issue_comments.fetched_at IS 'When that version was fetched.';

CREATE TABLE IF NOT EXISTS staging.github_discussions (
    discussion_node_id     text PRIMARY KEY,
    discussion_id          bigint,
    repo_full_name         text        NOT NULL,
    discussion_number      integer     NOT NULL,
    title                  text,
    url                    text,
    author_login           text,
    author_is_bot          boolean     NOT NULL,
    category               text,
    is_answerable          boolean,
    answer_comment_node_id text,
    answer_chosen_at       timestamptz,
    answer_chosen_by_login text,
    is_closed              boolean     NOT NULL,
    state_reason           text,
    closed_at              timestamptz,
    comments_count         integer,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    is_deleted             boolean     NOT NULL DEFAULT false,
    deleted_seen_at        timestamptz,
    partition_date         date        NOT NULL,
    fetched_at             timestamptz NOT NULL
);
COMMENT ON TABLE staging.github_discussions IS 'GitHub discussions in their newest fetched state; a deleted one keeps its last seen version, flagged.';
COMMENT ON COLUMN staging.github_discussions.discussion_node_id IS 'GitHub global node id.';
COMMENT ON COLUMN staging.github_discussions.discussion_id IS 'GitHub discussion database id.';
COMMENT ON COLUMN staging.github_discussions.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN staging.github_discussions.discussion_number IS 'Discussion number within the repository.';
COMMENT ON COLUMN staging.github_discussions.title IS 'Discussion title.';
COMMENT ON COLUMN staging.github_discussions.url IS 'The discussion''s web page.';
COMMENT ON COLUMN staging.github_discussions.author_login IS 'Who started it; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_discussions.author_is_bot IS 'True when a bot started it.';
COMMENT ON COLUMN staging.github_discussions.category IS 'Category name (General, Q&A, Ideas...).';
COMMENT ON COLUMN staging.github_discussions.is_answerable IS 'True when the category takes answers (Q&A).';
COMMENT ON COLUMN staging.github_discussions.answer_comment_node_id IS 'The comment marked as the answer; NULL if none.';
COMMENT ON COLUMN staging.github_discussions.answer_chosen_at IS 'When the answer was marked.';
COMMENT ON COLUMN staging.github_discussions.answer_chosen_by_login IS 'Who marked the answer.';
COMMENT ON COLUMN staging.github_discussions.is_closed IS 'True when closed.';
COMMENT ON COLUMN staging.github_discussions.state_reason IS 'Why it was closed, lower case: resolved, outdated, duplicate (or reopened). Unknown values are kept (and counted).';
COMMENT ON COLUMN staging.github_discussions.closed_at IS 'When it was closed.';
COMMENT ON COLUMN staging.github_discussions.comments_count IS 'Top-level comments GitHub reports (replies not included).';
COMMENT ON COLUMN staging.github_discussions.created_at IS 'When it was started.';
COMMENT ON COLUMN staging.github_discussions.updated_at IS 'Last change (version for newest-wins).';
COMMENT ON COLUMN staging.github_discussions.is_deleted IS 'True once a sync found it gone (GitHub answers NOT_FOUND for its node): the row is its last seen version.';
COMMENT ON COLUMN staging.github_discussions.deleted_seen_at IS 'When a sync first found it deleted.';
COMMENT ON COLUMN staging.github_discussions.partition_date IS 'The raw partition it was parsed from.';
COMMENT ON COLUMN staging.github_discussions.fetched_at IS 'When that version was fetched.';

CREATE TABLE IF NOT EXISTS staging.github_discussion_comments (
    comment_node_id    text PRIMARY KEY,
    comment_id         bigint,
    discussion_node_id text        NOT NULL,
    repo_full_name     text        NOT NULL,
    reply_to_node_id   text,
    author_login       text,
    author_is_bot      boolean     NOT NULL,
    is_answer          boolean     NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    partition_date     date        NOT NULL,
    fetched_at         timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS stg_github_discussion_comments_idx ON staging.github_discussion_comments (discussion_node_id);
COMMENT ON TABLE staging.github_discussion_comments IS 'Discussion comments and replies in their newest fetched state.';
COMMENT ON COLUMN staging.github_discussion_comments.comment_node_id IS 'GitHub global node id of the comment.';
COMMENT ON COLUMN staging.github_discussion_comments.comment_id IS 'GitHub comment database id.';
COMMENT ON COLUMN staging.github_discussion_comments.discussion_node_id IS 'Its discussion.';
COMMENT ON COLUMN staging.github_discussion_comments.repo_full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN staging.github_discussion_comments.reply_to_node_id IS 'For a reply, the comment it answers; NULL for a top-level comment.';
COMMENT ON COLUMN staging.github_discussion_comments.author_login IS 'Commenter; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_discussion_comments.author_is_bot IS 'True when a bot wrote it.';
COMMENT ON COLUMN staging.github_discussion_comments.is_answer IS 'True when it is marked as the discussion''s answer.';
COMMENT ON COLUMN staging.github_discussion_comments.created_at IS 'When it was written.';
COMMENT ON COLUMN staging.github_discussion_comments.updated_at IS 'Last edit (version for newest-wins).';
COMMENT ON COLUMN staging.github_discussion_comments.partition_date IS 'The raw partition it was parsed from.';
COMMENT ON COLUMN staging.github_discussion_comments.fetched_at IS 'When that version was fetched.';

-- What makes a GitHub issue a bug (DEXXY_BUG_LABELS); incidents use incident_labels (DEXXY_INCIDENT_LABELS).
ALTER TABLE processing.dora_settings ADD COLUMN IF NOT EXISTS bug_labels text[] NOT NULL DEFAULT '{bug}';
COMMENT ON COLUMN processing.dora_settings.bug_labels IS 'GitHub issue labels that make an issue a bug, lower case (DEXXY_BUG_LABELS).';
COMMENT ON COLUMN processing.dora_settings.incident_labels IS 'Jira and GitHub issue labels that make an issue an incident, lower case (DEXXY_INCIDENT_LABELS).';

-- analytics: the GitHub issues and discussions marts and member activity (comments as in schema.yml).
CREATE TABLE IF NOT EXISTS analytics.github_issues (
    issue_node_id           text,
    issue_id                bigint,
    repository              text,
    issue_number            integer,
    title                   text,
    url                     text,
    author_login            text,
    author_is_bot           boolean,
    state                   text,
    state_reason            text,
    labels                  text[],
    assignees               text[],
    is_bug                  boolean,
    is_incident             boolean,
    comments_count          integer,
    created_at              timestamp with time zone,
    closed_at               timestamp with time zone,
    updated_at              timestamp with time zone,
    time_to_close_hours     numeric(12,2),
    reopened_count          integer,
    is_reopened             boolean,
    closed_by_login         text,
    closing_commit_sha      text,
    closed_by_pull_request  boolean,
    closed_by_pr_id         bigint,
    closed_by_pr_repository text,
    closed_by_pr_number     integer,
    transferred_at          timestamp with time zone
);
COMMENT ON TABLE analytics.github_issues IS 'GitHub issues, one row per issue (by node id: a transferred issue is one row, in its new repository), with bug and incident flags (DEXXY_BUG_LABELS, DEXXY_INCIDENT_LABELS), time to close, reopenings and the pull request that closed it. See docs/metrics.md (GitHub issues).';
COMMENT ON COLUMN analytics.github_issues.issue_node_id IS 'GitHub global node id (kept across a transfer).';
COMMENT ON COLUMN analytics.github_issues.issue_id IS 'GitHub issue id.';
COMMENT ON COLUMN analytics.github_issues.repository IS 'Repository as owner/name where the issue is now.';
COMMENT ON COLUMN analytics.github_issues.issue_number IS 'Issue number within that repository.';
COMMENT ON COLUMN analytics.github_issues.title IS 'Issue title.';
COMMENT ON COLUMN analytics.github_issues.url IS 'The issue''s web page.';
COMMENT ON COLUMN analytics.github_issues.author_login IS 'Who opened it; NULL when the account was deleted.';
COMMENT ON COLUMN analytics.github_issues.author_is_bot IS 'True when a bot opened it.';
COMMENT ON COLUMN analytics.github_issues.state IS 'open or closed.';
COMMENT ON COLUMN analytics.github_issues.state_reason IS 'completed, not_planned, duplicate or reopened (an open issue that was reopened); NULL when never closed.';
COMMENT ON COLUMN analytics.github_issues.labels IS 'Label names, sorted.';
COMMENT ON COLUMN analytics.github_issues.assignees IS 'Assignee logins, sorted.';
COMMENT ON COLUMN analytics.github_issues.is_bug IS 'True when a label is one of DEXXY_BUG_LABELS (default bug), case-insensitive.';
COMMENT ON COLUMN analytics.github_issues.is_incident IS 'True when a label is one of DEXXY_INCIDENT_LABELS (default incident), case-insensitive; such issues are also rows of analytics.incidents.';
COMMENT ON COLUMN analytics.github_issues.comments_count IS 'Number of comments GitHub reports.';
COMMENT ON COLUMN analytics.github_issues.created_at IS 'When it was opened.';
COMMENT ON COLUMN analytics.github_issues.closed_at IS 'When it was last closed; NULL while open.';
COMMENT ON COLUMN analytics.github_issues.updated_at IS 'Last change.';
COMMENT ON COLUMN analytics.github_issues.time_to_close_hours IS 'Closed issues: hours from created_at to closed_at (the last close, reopenings included); NULL while open.';
COMMENT ON COLUMN analytics.github_issues.reopened_count IS 'How many times it was reopened.';
COMMENT ON COLUMN analytics.github_issues.is_reopened IS 'True when it was reopened at least once.';
COMMENT ON COLUMN analytics.github_issues.closed_by_login IS 'Who closed it last; NULL while open or for a deleted account.';
COMMENT ON COLUMN analytics.github_issues.closing_commit_sha IS 'The commit that closed it last (a pull request''s merge commit when one did).';
COMMENT ON COLUMN analytics.github_issues.closed_by_pull_request IS 'True when the merge of a pull request of the synced repositories closed it.';
COMMENT ON COLUMN analytics.github_issues.closed_by_pr_id IS 'That pull request; joins analytics.pull_requests.pr_id.';
COMMENT ON COLUMN analytics.github_issues.closed_by_pr_repository IS 'Repository of that pull request as owner/name.';
COMMENT ON COLUMN analytics.github_issues.closed_by_pr_number IS 'Number of that pull request.';
COMMENT ON COLUMN analytics.github_issues.transferred_at IS 'When it was last transferred from another repository; NULL if never.';

CREATE TABLE IF NOT EXISTS analytics.github_discussions (
    discussion_node_id           text,
    discussion_id                bigint,
    repository                   text,
    discussion_number            integer,
    title                        text,
    url                          text,
    author_login                 text,
    author_is_bot                boolean,
    category                     text,
    is_answerable                boolean,
    is_answered                  boolean,
    answer_author_login          text,
    answer_chosen_at             timestamp with time zone,
    time_to_answer_hours         numeric(12,2),
    time_to_first_response_hours numeric(12,2),
    comments_count               integer,
    replies_count                integer,
    is_closed                    boolean,
    state_reason                 text,
    closed_at                    timestamp with time zone,
    created_at                   timestamp with time zone,
    updated_at                   timestamp with time zone,
    is_deleted                   boolean,
    deleted_seen_at              timestamp with time zone
);
COMMENT ON TABLE analytics.github_discussions IS 'GitHub discussions, one row per discussion, with category, answer and response times; a deleted discussion stays as last seen with is_deleted. See docs/metrics.md (GitHub discussions).';
COMMENT ON COLUMN analytics.github_discussions.discussion_node_id IS 'GitHub global node id.';
COMMENT ON COLUMN analytics.github_discussions.discussion_id IS 'GitHub discussion database id.';
COMMENT ON COLUMN analytics.github_discussions.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.github_discussions.discussion_number IS 'Discussion number within the repository.';
COMMENT ON COLUMN analytics.github_discussions.title IS 'Discussion title.';
COMMENT ON COLUMN analytics.github_discussions.url IS 'The discussion''s web page.';
COMMENT ON COLUMN analytics.github_discussions.author_login IS 'Who started it; NULL when the account was deleted.';
COMMENT ON COLUMN analytics.github_discussions.author_is_bot IS 'True when a bot started it.';
COMMENT ON COLUMN analytics.github_discussions.category IS 'Category name (General, Q&A, Ideas, Announcements...).';
COMMENT ON COLUMN analytics.github_discussions.is_answerable IS 'True when its category takes answers (Q&A).';
COMMENT ON COLUMN analytics.github_discussions.is_answered IS 'True when a comment is marked as the answer.';
COMMENT ON COLUMN analytics.github_discussions.answer_author_login IS 'Who wrote the answer.';
COMMENT ON COLUMN analytics.github_discussions.answer_chosen_at IS 'When the answer was marked.';
COMMENT ON COLUMN analytics.github_discussions.time_to_answer_hours IS 'Hours from created_at to answer_chosen_at; NULL when unanswered.';
COMMENT ON COLUMN analytics.github_discussions.time_to_first_response_hours IS 'Hours from created_at to the first comment or reply by a person other than the author (bots do not count); NULL when none.';
COMMENT ON COLUMN analytics.github_discussions.comments_count IS 'Comments and replies staged for it.';
COMMENT ON COLUMN analytics.github_discussions.replies_count IS 'Of those, replies to a comment.';
COMMENT ON COLUMN analytics.github_discussions.is_closed IS 'True when closed.';
COMMENT ON COLUMN analytics.github_discussions.state_reason IS 'Why it was closed: resolved, outdated or duplicate (or reopened).';
COMMENT ON COLUMN analytics.github_discussions.closed_at IS 'When it was closed.';
COMMENT ON COLUMN analytics.github_discussions.created_at IS 'When it was started.';
COMMENT ON COLUMN analytics.github_discussions.updated_at IS 'Last change seen.';
COMMENT ON COLUMN analytics.github_discussions.is_deleted IS 'True once a sync found it deleted on GitHub: the row is its last seen version.';
COMMENT ON COLUMN analytics.github_discussions.deleted_seen_at IS 'When a sync first found it deleted.';

CREATE TABLE IF NOT EXISTS analytics.member_activity_daily (
    activity_date       date,
    github_login        text,
    member_id           bigint,
    prs_opened          integer,
    prs_merged          integer,
    reviews             integer,
    review_comments     integer,
    pr_comments         integer,
    commits             integer,
    issues_opened       integer,
    issues_closed       integer,
    issue_comments      integer,
    discussions_opened  integer,
    discussion_comments integer,
    total_actions       integer
);
COMMENT ON TABLE analytics.member_activity_daily IS 'A person''s activity per UTC day across pull requests, reviews, comments, commits, issues and discussions: one row per human GitHub login and day with at least one action (bots and deleted accounts left out). See docs/metrics.md (Member activity).';
COMMENT ON COLUMN analytics.member_activity_daily.activity_date IS 'The UTC day.';
COMMENT ON COLUMN analytics.member_activity_daily.github_login IS 'The person''s GitHub login.';
COMMENT ON COLUMN analytics.member_activity_daily.member_id IS 'Joins analytics.team_members.member_id; NULL for someone who is not a known member.';
COMMENT ON COLUMN analytics.member_activity_daily.prs_opened IS 'Pull requests they opened that day.';
COMMENT ON COLUMN analytics.member_activity_daily.prs_merged IS 'Pull requests they authored that were merged that day.';
COMMENT ON COLUMN analytics.member_activity_daily.reviews IS 'Reviews they submitted that day on others'' pull requests.';
COMMENT ON COLUMN analytics.member_activity_daily.review_comments IS 'Inline review comments they wrote that day.';
COMMENT ON COLUMN analytics.member_activity_daily.pr_comments IS 'Conversation comments they wrote on pull requests that day.';
COMMENT ON COLUMN analytics.member_activity_daily.commits IS 'Distinct commits of pull requests they authored that day.';
COMMENT ON COLUMN analytics.member_activity_daily.issues_opened IS 'Issues they opened that day.';
COMMENT ON COLUMN analytics.member_activity_daily.issues_closed IS 'Issues they closed that day (the last close of each issue).';
COMMENT ON COLUMN analytics.member_activity_daily.issue_comments IS 'Comments they wrote on issues that day.';
COMMENT ON COLUMN analytics.member_activity_daily.discussions_opened IS 'Discussions they started that day.';
COMMENT ON COLUMN analytics.member_activity_daily.discussion_comments IS 'Discussion comments and replies they wrote that day.';
COMMENT ON COLUMN analytics.member_activity_daily.total_actions IS 'The sum of the counts above.';

CREATE INDEX IF NOT EXISTS github_issues_repository_idx ON analytics.github_issues (repository, created_at);
CREATE INDEX IF NOT EXISTS github_discussions_repository_idx ON analytics.github_discussions (repository, created_at);
CREATE INDEX IF NOT EXISTS member_activity_daily_idx ON analytics.member_activity_daily (activity_date, github_login);
COMMENT ON COLUMN analytics.incidents.incident_id IS 'jira:<issue id>, github_issue:<issue node id> or pr:<pull request id>.';
COMMENT ON COLUMN analytics.incidents.source IS 'jira, github_issue, revert or hotfix.';

-- The read-only BI role reads the new tables (default privileges cover tables the migrating role creates;
-- granted here too for a warehouse migrated by another role).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dexxy_bi') THEN
        GRANT SELECT ON analytics.github_issues, analytics.github_discussions, analytics.member_activity_daily
            TO dexxy_bi;
    END IF;
END
$$;
