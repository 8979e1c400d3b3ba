-- Jira: raw payloads exactly as the API returned them, and typed staging tables parsed from raw
-- (dexxy_assets/jira/staging_step.py). Raw tables are keyed like every raw table (migration 0010): per
-- partition (a day for issues and their children, the site for snapshots), partition_row numbers the rows
-- of the load that wrote them. Staging is keyed by Jira's ids: an issue moved between projects changes its
-- key, never its id.

CREATE TABLE IF NOT EXISTS raw.jira_issues (
    site           text        NOT NULL,
    issue_id       bigint,
    issue_key      text,
    project_key    text,
    partition_date date        NOT NULL,
    fetched_at     timestamptz NOT NULL,
    partition_row  integer     NOT NULL,
    payload        jsonb       NOT NULL,
    PRIMARY KEY (partition_date, partition_row)
);
COMMENT ON TABLE raw.jira_issues IS 'Jira issues as /rest/api/3/search/jql returns them with fields=*all and expand=changelog (embedded changelog, comments and worklogs truncated by Jira), one row per issue and load.';
COMMENT ON COLUMN raw.jira_issues.site IS 'Jira site base URL the issue was read from.';
COMMENT ON COLUMN raw.jira_issues.issue_id IS 'Jira issue id (stable across moves); NULL when the payload had none readable.';
COMMENT ON COLUMN raw.jira_issues.issue_key IS 'Issue key when fetched (changes when the issue moves between projects).';
COMMENT ON COLUMN raw.jira_issues.project_key IS 'Project key when fetched.';
COMMENT ON COLUMN raw.jira_issues.partition_date IS 'UTC day of the issue''s updated time: the daily partition that fetched it.';

CREATE TABLE IF NOT EXISTS raw.jira_changelogs (
    site           text        NOT NULL,
    issue_id       bigint,
    history_id     bigint,
    partition_date date        NOT NULL,
    fetched_at     timestamptz NOT NULL,
    partition_row  integer     NOT NULL,
    payload        jsonb       NOT NULL,
    PRIMARY KEY (partition_date, partition_row)
);
COMMENT ON TABLE raw.jira_changelogs IS 'Changelog histories beyond what the search result embedded (paged separately, e.g. POST /changelog/bulkfetch), one row per history.';
COMMENT ON COLUMN raw.jira_changelogs.site IS 'Jira site base URL.';
COMMENT ON COLUMN raw.jira_changelogs.issue_id IS 'The issue the history belongs to (raw.jira_issues.issue_id).';
COMMENT ON COLUMN raw.jira_changelogs.history_id IS 'Jira changelog history id.';
COMMENT ON COLUMN raw.jira_changelogs.partition_date IS 'The daily partition of the issue the history was fetched for.';

CREATE TABLE IF NOT EXISTS raw.jira_comments (
    site           text        NOT NULL,
    issue_id       bigint,
    comment_id     bigint,
    partition_date date        NOT NULL,
    fetched_at     timestamptz NOT NULL,
    partition_row  integer     NOT NULL,
    payload        jsonb       NOT NULL,
    PRIMARY KEY (partition_date, partition_row)
);
COMMENT ON TABLE raw.jira_comments IS 'Comments beyond the ones the search result embedded (GET /issue/{id}/comment pages), one row per comment.';
COMMENT ON COLUMN raw.jira_comments.site IS 'Jira site base URL.';
COMMENT ON COLUMN raw.jira_comments.issue_id IS 'The issue commented on (raw.jira_issues.issue_id).';
COMMENT ON COLUMN raw.jira_comments.comment_id IS 'Jira comment id.';
COMMENT ON COLUMN raw.jira_comments.partition_date IS 'The daily partition of the issue the comment was fetched for.';

CREATE TABLE IF NOT EXISTS raw.jira_worklogs (
    site           text        NOT NULL,
    issue_id       bigint,
    worklog_id     bigint,
    partition_date date        NOT NULL,
    fetched_at     timestamptz NOT NULL,
    partition_row  integer     NOT NULL,
    payload        jsonb       NOT NULL,
    PRIMARY KEY (partition_date, partition_row)
);
COMMENT ON TABLE raw.jira_worklogs IS 'Worklogs beyond the ones the search result embedded (GET /issue/{id}/worklog or POST /worklog/list), one row per worklog.';
COMMENT ON COLUMN raw.jira_worklogs.site IS 'Jira site base URL.';
COMMENT ON COLUMN raw.jira_worklogs.issue_id IS 'The issue the time was logged on (raw.jira_issues.issue_id).';
COMMENT ON COLUMN raw.jira_worklogs.worklog_id IS 'Jira worklog id.';
COMMENT ON COLUMN raw.jira_worklogs.partition_date IS 'The daily partition of the issue the worklog was fetched for.';

CREATE TABLE IF NOT EXISTS raw.jira_users (
    site          text        NOT NULL,
    account_id    text,
    fetched_at    timestamptz NOT NULL,
    partition_row integer     NOT NULL,
    payload       jsonb       NOT NULL,
    PRIMARY KEY (site, partition_row)
);
COMMENT ON TABLE raw.jira_users IS 'Users as /rest/api/3/users/search lists them (a snapshot per site), one row per account.';
COMMENT ON COLUMN raw.jira_users.site IS 'Jira site base URL: the snapshot''s partition.';
COMMENT ON COLUMN raw.jira_users.account_id IS 'Atlassian account id.';

CREATE TABLE IF NOT EXISTS raw.jira_fields (
    site          text        NOT NULL,
    field_id      text,
    fetched_at    timestamptz NOT NULL,
    partition_row integer     NOT NULL,
    payload       jsonb       NOT NULL,
    PRIMARY KEY (site, partition_row)
);
COMMENT ON TABLE raw.jira_fields IS 'The site''s field list (/rest/api/3/field): where the sprint and story-point custom fields are found.';
COMMENT ON COLUMN raw.jira_fields.site IS 'Jira site base URL: the snapshot''s partition.';
COMMENT ON COLUMN raw.jira_fields.field_id IS 'Field id, e.g. summary or customfield_10016.';

CREATE TABLE IF NOT EXISTS raw.jira_statuses (
    site          text        NOT NULL,
    status_id     text,
    fetched_at    timestamptz NOT NULL,
    partition_row integer     NOT NULL,
    payload       jsonb       NOT NULL,
    PRIMARY KEY (site, partition_row)
);
COMMENT ON TABLE raw.jira_statuses IS 'The site''s workflow statuses with their categories (/rest/api/3/status), a snapshot per site.';
COMMENT ON COLUMN raw.jira_statuses.site IS 'Jira site base URL: the snapshot''s partition.';
COMMENT ON COLUMN raw.jira_statuses.status_id IS 'Status id.';
COMMENT ON COLUMN raw.jira_statuses.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_statuses.payload IS 'The status as the API returned it; staging is parsed from here.';
COMMENT ON COLUMN raw.jira_statuses.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';

CREATE TABLE IF NOT EXISTS raw.jira_boards (
    site          text        NOT NULL,
    board_id      bigint,
    fetched_at    timestamptz NOT NULL,
    partition_row integer     NOT NULL,
    payload       jsonb       NOT NULL,
    PRIMARY KEY (site, partition_row)
);
COMMENT ON TABLE raw.jira_boards IS 'Agile boards (/rest/agile/1.0/board), a snapshot per site.';
COMMENT ON COLUMN raw.jira_boards.site IS 'Jira site base URL: the snapshot''s partition.';
COMMENT ON COLUMN raw.jira_boards.board_id IS 'Agile board id.';

CREATE TABLE IF NOT EXISTS raw.jira_sprints (
    site          text        NOT NULL,
    board_id      bigint,
    sprint_id     bigint,
    fetched_at    timestamptz NOT NULL,
    partition_row integer     NOT NULL,
    payload       jsonb       NOT NULL,
    PRIMARY KEY (site, partition_row)
);
COMMENT ON TABLE raw.jira_sprints IS 'Sprints of every scrum board (/rest/agile/1.0/board/{id}/sprint), a snapshot per site.';
COMMENT ON COLUMN raw.jira_sprints.site IS 'Jira site base URL: the snapshot''s partition.';
COMMENT ON COLUMN raw.jira_sprints.board_id IS 'The board whose sprint list returned the sprint.';
COMMENT ON COLUMN raw.jira_sprints.sprint_id IS 'Agile sprint id.';

-- Raw columns shared by every Jira raw table.
COMMENT ON COLUMN raw.jira_issues.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_changelogs.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_comments.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_worklogs.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_users.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_fields.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_boards.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_sprints.fetched_at IS 'When the load that wrote this row fetched it (one value for the whole load).';
COMMENT ON COLUMN raw.jira_issues.payload IS 'The issue as the API returned it; staging is parsed from here.';
COMMENT ON COLUMN raw.jira_changelogs.payload IS 'The history as the API returned it; staging is parsed from here.';
COMMENT ON COLUMN raw.jira_comments.payload IS 'The comment as the API returned it; staging is parsed from here.';
COMMENT ON COLUMN raw.jira_worklogs.payload IS 'The worklog as the API returned it; staging is parsed from here.';
COMMENT ON COLUMN raw.jira_users.payload IS 'The user as the API returned it; staging is parsed from here.';
COMMENT ON COLUMN raw.jira_fields.payload IS 'The field as the API returned it; the field mapping is read from here.';
COMMENT ON COLUMN raw.jira_boards.payload IS 'The board as the API returned it; staging is parsed from here.';
COMMENT ON COLUMN raw.jira_sprints.payload IS 'The sprint as the API returned it; staging is parsed from here.';
COMMENT ON COLUMN raw.jira_issues.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';
COMMENT ON COLUMN raw.jira_changelogs.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';
COMMENT ON COLUMN raw.jira_comments.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';
COMMENT ON COLUMN raw.jira_worklogs.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';
COMMENT ON COLUMN raw.jira_users.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';
COMMENT ON COLUMN raw.jira_fields.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';
COMMENT ON COLUMN raw.jira_boards.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';
COMMENT ON COLUMN raw.jira_sprints.partition_row IS '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.';
CREATE INDEX IF NOT EXISTS jira_changelogs_issue_idx ON raw.jira_changelogs (partition_date, issue_id);
CREATE INDEX IF NOT EXISTS jira_comments_issue_idx ON raw.jira_comments (partition_date, issue_id);
CREATE INDEX IF NOT EXISTS jira_worklogs_issue_idx ON raw.jira_worklogs (partition_date, issue_id);

-- Staging: current state, parsed from raw; a newer issue version (updated, then fetched_at) wins. ---------
CREATE TABLE IF NOT EXISTS staging.jira_issues (
    issue_id               bigint PRIMARY KEY,
    site                   text        NOT NULL,
    issue_key              text        NOT NULL,
    previous_keys          text[]      NOT NULL,
    project_key            text,
    project_id             text,
    issue_type             text,
    issue_type_level       integer,
    summary                text,
    description_text       text,
    status_id              text,
    status                 text,
    status_category        text,
    priority               text,
    resolution             text,
    assignee_account_id    text,
    reporter_account_id    text,
    story_points           numeric(10, 2),
    parent_key             text,
    parent_issue_type_level integer,
    sprint_ids             bigint[]    NOT NULL,
    labels                 text[]      NOT NULL,
    created_at             timestamptz,
    updated_at             timestamptz NOT NULL,
    resolved_at            timestamptz,
    changelog_complete     boolean     NOT NULL,
    partition_date         date        NOT NULL,
    fetched_at             timestamptz NOT NULL,
    parser_version         text        NOT NULL
);
COMMENT ON TABLE staging.jira_issues IS 'Jira issues, current state, one row per issue id (a moved issue keeps its row; its key is updated).';
COMMENT ON COLUMN staging.jira_issues.issue_id IS 'Jira issue id: stable when the issue moves between projects.';
COMMENT ON COLUMN staging.jira_issues.site IS 'Jira site base URL.';
COMMENT ON COLUMN staging.jira_issues.issue_key IS 'Current issue key, e.g. PAY-412.';
COMMENT ON COLUMN staging.jira_issues.previous_keys IS 'Keys the issue had before it was moved between projects (from the changelog''s Key changes).';
COMMENT ON COLUMN staging.jira_issues.project_key IS 'Current project key.';
COMMENT ON COLUMN staging.jira_issues.project_id IS 'Current project id.';
COMMENT ON COLUMN staging.jira_issues.issue_type IS 'Issue type name: Epic, Story, Task, Bug, Sub-task, Incident, ...';
COMMENT ON COLUMN staging.jira_issues.issue_type_level IS 'Hierarchy level of the type: 1 epic, 0 standard, -1 sub-task.';
COMMENT ON COLUMN staging.jira_issues.summary IS 'Issue summary (title).';
COMMENT ON COLUMN staging.jira_issues.description_text IS 'Description converted from Atlassian Document Format to plain text (unknown nodes kept as their text).';
COMMENT ON COLUMN staging.jira_issues.status_id IS 'Current workflow status id.';
COMMENT ON COLUMN staging.jira_issues.status IS 'Current workflow status name.';
COMMENT ON COLUMN staging.jira_issues.status_category IS 'Status category key (new, indeterminate, done): trusted over the status name.';
COMMENT ON COLUMN staging.jira_issues.priority IS 'Priority name.';
COMMENT ON COLUMN staging.jira_issues.resolution IS 'Resolution name; NULL while unresolved.';
COMMENT ON COLUMN staging.jira_issues.assignee_account_id IS 'Assignee''s Atlassian account id; NULL when unassigned.';
COMMENT ON COLUMN staging.jira_issues.reporter_account_id IS 'Reporter''s Atlassian account id.';
COMMENT ON COLUMN staging.jira_issues.story_points IS 'Story points (the field found by name in /field); text values are parsed, unreadable ones are NULL and counted.';
COMMENT ON COLUMN staging.jira_issues.parent_key IS 'Key of the parent (an epic, or the parent of a sub-task).';
COMMENT ON COLUMN staging.jira_issues.parent_issue_type_level IS 'Hierarchy level of the parent''s type: 1 when the parent is an epic.';
COMMENT ON COLUMN staging.jira_issues.sprint_ids IS 'Sprints the issue is or was in, as the sprint field lists them.';
COMMENT ON COLUMN staging.jira_issues.labels IS 'Labels.';
COMMENT ON COLUMN staging.jira_issues.created_at IS 'When the issue was created.';
COMMENT ON COLUMN staging.jira_issues.updated_at IS 'When the issue was last updated: the version; a newer one wins.';
COMMENT ON COLUMN staging.jira_issues.resolved_at IS 'Jira''s resolution date; NULL while unresolved.';
COMMENT ON COLUMN staging.jira_issues.changelog_complete IS 'True when every history of the changelog was staged (the embedded list plus raw.jira_changelogs reached its total).';
COMMENT ON COLUMN staging.jira_issues.partition_date IS 'The raw partition the staged version came from.';
COMMENT ON COLUMN staging.jira_issues.fetched_at IS 'When the staged version was fetched from the API.';
COMMENT ON COLUMN staging.jira_issues.parser_version IS 'Version of the Jira parsers that staged the row (dexxy_assets/jira/parser_version.py).';
CREATE INDEX IF NOT EXISTS stg_jira_issues_key_idx ON staging.jira_issues (issue_key);

CREATE TABLE IF NOT EXISTS staging.jira_issue_changes (
    issue_id           bigint      NOT NULL,
    history_id         bigint      NOT NULL,
    item_index         integer     NOT NULL,
    changed_at         timestamptz NOT NULL,
    author_account_id  text,
    change_kind        text        NOT NULL,
    field              text        NOT NULL,
    from_value         text,
    from_string        text,
    to_value           text,
    to_string          text,
    after_issue_updated boolean    NOT NULL,
    PRIMARY KEY (issue_id, history_id, item_index)
);
COMMENT ON TABLE staging.jira_issue_changes IS 'Changelog items that the marts read: status, assignee, sprint, story points, key, project, issue type and resolution changes.';
COMMENT ON COLUMN staging.jira_issue_changes.issue_id IS 'The issue; joins staging.jira_issues.issue_id.';
COMMENT ON COLUMN staging.jira_issue_changes.history_id IS 'Jira changelog history id.';
COMMENT ON COLUMN staging.jira_issue_changes.item_index IS 'Position of the item within its history.';
COMMENT ON COLUMN staging.jira_issue_changes.changed_at IS 'When the change was made.';
COMMENT ON COLUMN staging.jira_issue_changes.author_account_id IS 'Who made the change; NULL for anonymous changes.';
COMMENT ON COLUMN staging.jira_issue_changes.change_kind IS 'status, assignee, sprint, story_points, key, project, issue_type or resolution.';
COMMENT ON COLUMN staging.jira_issue_changes.field IS 'The field name as the changelog names it.';
COMMENT ON COLUMN staging.jira_issue_changes.from_value IS 'Raw value before (an id, or comma-separated sprint ids).';
COMMENT ON COLUMN staging.jira_issue_changes.from_string IS 'Label before.';
COMMENT ON COLUMN staging.jira_issue_changes.to_value IS 'Raw value after.';
COMMENT ON COLUMN staging.jira_issue_changes.to_string IS 'Label after.';
COMMENT ON COLUMN staging.jira_issue_changes.after_issue_updated IS 'True when the change is dated after the issue''s updated time (kept, and counted as a problem).';

CREATE TABLE IF NOT EXISTS staging.jira_comments (
    comment_id        bigint PRIMARY KEY,
    issue_id          bigint      NOT NULL,
    author_account_id text,
    body_text         text,
    created_at        timestamptz,
    updated_at        timestamptz
);
COMMENT ON TABLE staging.jira_comments IS 'Issue comments with their Atlassian Document Format body as text.';
COMMENT ON COLUMN staging.jira_comments.comment_id IS 'Jira comment id.';
COMMENT ON COLUMN staging.jira_comments.issue_id IS 'The issue; joins staging.jira_issues.issue_id.';
COMMENT ON COLUMN staging.jira_comments.author_account_id IS 'Author''s account id.';
COMMENT ON COLUMN staging.jira_comments.body_text IS 'Body converted to plain text; nodes the converter does not know keep their text.';
COMMENT ON COLUMN staging.jira_comments.created_at IS 'When the comment was written.';
COMMENT ON COLUMN staging.jira_comments.updated_at IS 'When it was last edited.';
CREATE INDEX IF NOT EXISTS stg_jira_comments_issue_idx ON staging.jira_comments (issue_id);

CREATE TABLE IF NOT EXISTS staging.jira_worklogs (
    worklog_id         bigint PRIMARY KEY,
    issue_id           bigint      NOT NULL,
    author_account_id  text,
    started_at         timestamptz,
    time_spent_seconds integer,
    comment_text       text,
    created_at         timestamptz,
    updated_at         timestamptz
);
COMMENT ON TABLE staging.jira_worklogs IS 'Time logged on issues.';
COMMENT ON COLUMN staging.jira_worklogs.worklog_id IS 'Jira worklog id.';
COMMENT ON COLUMN staging.jira_worklogs.issue_id IS 'The issue; joins staging.jira_issues.issue_id.';
COMMENT ON COLUMN staging.jira_worklogs.author_account_id IS 'Who logged the time.';
COMMENT ON COLUMN staging.jira_worklogs.started_at IS 'When the logged work started.';
COMMENT ON COLUMN staging.jira_worklogs.time_spent_seconds IS 'Time spent, in seconds.';
COMMENT ON COLUMN staging.jira_worklogs.comment_text IS 'The worklog comment as plain text.';
COMMENT ON COLUMN staging.jira_worklogs.created_at IS 'When the worklog was created.';
COMMENT ON COLUMN staging.jira_worklogs.updated_at IS 'When the worklog was last changed.';
CREATE INDEX IF NOT EXISTS stg_jira_worklogs_issue_idx ON staging.jira_worklogs (issue_id);

CREATE TABLE IF NOT EXISTS staging.jira_users (
    account_id   text PRIMARY KEY,
    site         text    NOT NULL,
    display_name text,
    email        text,
    account_type text,
    active       boolean,
    time_zone    text,
    is_listed    boolean NOT NULL
);
COMMENT ON TABLE staging.jira_users IS 'Atlassian accounts: those /users/search lists, plus those only seen on issues (deleted users, absent reporters).';
COMMENT ON COLUMN staging.jira_users.account_id IS 'Atlassian account id.';
COMMENT ON COLUMN staging.jira_users.site IS 'Jira site base URL.';
COMMENT ON COLUMN staging.jira_users.display_name IS 'Display name (Former user for deleted accounts).';
COMMENT ON COLUMN staging.jira_users.email IS 'E-mail address when the profile shows it.';
COMMENT ON COLUMN staging.jira_users.account_type IS 'atlassian, app or customer.';
COMMENT ON COLUMN staging.jira_users.active IS 'False for deactivated and deleted accounts.';
COMMENT ON COLUMN staging.jira_users.time_zone IS 'Time zone of the profile.';
COMMENT ON COLUMN staging.jira_users.is_listed IS 'True when /users/search lists the account; false when it was only seen on issues.';

CREATE TABLE IF NOT EXISTS staging.jira_statuses (
    status_id         text PRIMARY KEY,
    site              text    NOT NULL,
    name              text,
    status_category   text,
    name_disagrees    boolean NOT NULL
);
COMMENT ON TABLE staging.jira_statuses IS 'Workflow statuses and their categories: what the status periods of the changelog are categorised by.';
COMMENT ON COLUMN staging.jira_statuses.status_id IS 'Status id, as changelog status items name it (from/to).';
COMMENT ON COLUMN staging.jira_statuses.site IS 'Jira site base URL.';
COMMENT ON COLUMN staging.jira_statuses.name IS 'Status name.';
COMMENT ON COLUMN staging.jira_statuses.status_category IS 'Category key: new, indeterminate or done (trusted over the name).';
COMMENT ON COLUMN staging.jira_statuses.name_disagrees IS 'True when the name suggests another category (e.g. Completed left In Progress); counted as a problem.';

CREATE TABLE IF NOT EXISTS staging.jira_sprints (
    sprint_id        bigint PRIMARY KEY,
    site             text NOT NULL,
    board_id         bigint,
    board_name       text,
    board_project_key text,
    name             text,
    state            text,
    goal             text,
    start_at         timestamptz,
    end_at           timestamptz,
    complete_at      timestamptz
);
COMMENT ON TABLE staging.jira_sprints IS 'Sprints of the scrum boards, with their board.';
COMMENT ON COLUMN staging.jira_sprints.sprint_id IS 'Agile sprint id.';
COMMENT ON COLUMN staging.jira_sprints.site IS 'Jira site base URL.';
COMMENT ON COLUMN staging.jira_sprints.board_id IS 'The board the sprint was created on (originBoardId).';
COMMENT ON COLUMN staging.jira_sprints.board_name IS 'Name of that board.';
COMMENT ON COLUMN staging.jira_sprints.board_project_key IS 'Project the board belongs to.';
COMMENT ON COLUMN staging.jira_sprints.name IS 'Sprint name.';
COMMENT ON COLUMN staging.jira_sprints.state IS 'future, active or closed.';
COMMENT ON COLUMN staging.jira_sprints.goal IS 'Sprint goal.';
COMMENT ON COLUMN staging.jira_sprints.start_at IS 'When the sprint was started.';
COMMENT ON COLUMN staging.jira_sprints.end_at IS 'Planned end.';
COMMENT ON COLUMN staging.jira_sprints.complete_at IS 'When the sprint was completed (closed); NULL while it runs.';

CREATE TABLE IF NOT EXISTS staging.jira_sprint_issues (
    sprint_id  bigint      NOT NULL,
    issue_id   bigint      NOT NULL,
    added_at   timestamptz NOT NULL,
    removed_at timestamptz,
    PRIMARY KEY (sprint_id, issue_id)
);
COMMENT ON TABLE staging.jira_sprint_issues IS 'Which issues were in which sprint and when, from the sprint field''s changelog (one row per sprint and issue).';
COMMENT ON COLUMN staging.jira_sprint_issues.sprint_id IS 'The sprint; joins staging.jira_sprints.sprint_id.';
COMMENT ON COLUMN staging.jira_sprint_issues.issue_id IS 'The issue; joins staging.jira_issues.issue_id.';
COMMENT ON COLUMN staging.jira_sprint_issues.added_at IS 'When the issue first joined the sprint (its creation when the changelog does not show it joining).';
COMMENT ON COLUMN staging.jira_sprint_issues.removed_at IS 'When it last left the sprint; NULL while still in it (Jira keeps closed sprints on carried-over issues).';

-- Pull request -> Jira keys, derived from staging.github_pull_requests by dexxy_assets/jira/pr_keys.py. -----
CREATE TABLE IF NOT EXISTS processing.pr_jira_keys (
    pr_id          bigint  NOT NULL,
    jira_key       text    NOT NULL,
    key_rank       integer NOT NULL,
    partition_date date    NOT NULL,
    rule_version   text    NOT NULL,
    PRIMARY KEY (pr_id, jira_key)
);
COMMENT ON TABLE processing.pr_jira_keys IS 'Every Jira key a pull request names in its title, branch or body (dexxy_assets/processing/jira_links.py), one row per pull request and key.';
COMMENT ON COLUMN processing.pr_jira_keys.pr_id IS 'The pull request; joins staging.github_pull_requests.pr_id.';
COMMENT ON COLUMN processing.pr_jira_keys.jira_key IS 'An upper-cased Jira key, e.g. PAY-412.';
COMMENT ON COLUMN processing.pr_jira_keys.key_rank IS '1 for the best key (title, then branch, then body), then 2, 3, ...';
COMMENT ON COLUMN processing.pr_jira_keys.partition_date IS 'The pull request''s daily partition (staging.github_pull_requests.partition_date).';
COMMENT ON COLUMN processing.pr_jira_keys.rule_version IS 'Version of the key extraction rules that decided.';
