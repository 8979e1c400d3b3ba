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
COMMENT ON COLUMN raw.jira_issues.issue_id IS 'Jira issue id (stable across moves); NULL when the payload had none readable.';
COMMENT ON COLUMN raw.jira_issues.issue_key IS 'Issue key when fetched (changes when the issue moves between projects).';
COMMENT ON COLUMN raw.jira_issues.project_key IS 'Project key when fetched.';
COMMENT ON COLUMN raw.jira_issues.partition_date IS 'UTC day of the issue''s updated time: the daily partition that fetched it.';

-- The rest of the lists Jira truncates in a search result, paged separately: one row per item, stored in
-- the partition of the issue they were fetched for.
DO $$
DECLARE
    spec record;
BEGIN
    FOR spec IN
        SELECT * FROM (VALUES
            ('jira_changelogs', 'history_id', 'Changelog histories beyond what the search result embedded (paged separately, e.g. POST /changelog/bulkfetch), one row per history.', 'Jira changelog history id.'),
            ('jira_comments', 'comment_id', 'Comments beyond the ones the search result embedded (GET /issue/{id}/comment pages), one row per comment.', 'Jira comment id.'),
            ('jira_worklogs', 'worklog_id', 'Worklogs beyond the ones the search result embedded (GET /issue/{id}/worklog or POST /worklog/list), one row per worklog.', 'Jira worklog id.')
        ) AS t(table_name, id_column, table_comment, id_comment)
    LOOP
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS raw.%I (site text NOT NULL, issue_id bigint, %I bigint, '
            'partition_date date NOT NULL, fetched_at timestamptz NOT NULL, partition_row integer NOT NULL, '
            'payload jsonb NOT NULL, PRIMARY KEY (partition_date, partition_row))',
            spec.table_name, spec.id_column
        );
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON raw.%I (partition_date, issue_id)',
            spec.table_name || '_issue_idx', spec.table_name);
        EXECUTE format('COMMENT ON TABLE raw.%I IS %L', spec.table_name, spec.table_comment);
        EXECUTE format('COMMENT ON COLUMN raw.%I.%I IS %L', spec.table_name, spec.id_column, spec.id_comment);
        EXECUTE format('COMMENT ON COLUMN raw.%I.issue_id IS %L', spec.table_name,
            'The issue the item belongs to (raw.jira_issues.issue_id).');
        EXECUTE format('COMMENT ON COLUMN raw.%I.partition_date IS %L', spec.table_name,
            'The daily partition of the issue the item was fetched for.');
    END LOOP;
END
$$;

-- Snapshots of the site's configuration and people, one partition per site.
DO $$
DECLARE
    spec record;
BEGIN
    FOR spec IN
        SELECT * FROM (VALUES
            ('jira_users', 'account_id', 'text', 'Users as /rest/api/3/users/search lists them, one row per account.', 'Atlassian account id.'),
            ('jira_fields', 'field_id', 'text', 'The site''s field list (/rest/api/3/field): where the sprint and story-point custom fields are found.', 'Field id, e.g. summary or customfield_10016.'),
            ('jira_statuses', 'status_id', 'text', 'The site''s workflow statuses with their categories (/rest/api/3/status).', 'Status id.'),
            ('jira_boards', 'board_id', 'bigint', 'Agile boards (/rest/agile/1.0/board).', 'Agile board id.'),
            ('jira_sprints', 'sprint_id', 'bigint', 'Sprints of every scrum board (/rest/agile/1.0/board/{id}/sprint).', 'Agile sprint id.')
        ) AS t(table_name, id_column, id_type, table_comment, id_comment)
    LOOP
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS raw.%I (site text NOT NULL, %I %s, fetched_at timestamptz NOT NULL, '
            'partition_row integer NOT NULL, payload jsonb NOT NULL, PRIMARY KEY (site, partition_row))',
            spec.table_name, spec.id_column, spec.id_type
        );
        EXECUTE format('COMMENT ON TABLE raw.%I IS %L', spec.table_name, spec.table_comment || ' A snapshot per site.');
        EXECUTE format('COMMENT ON COLUMN raw.%I.%I IS %L', spec.table_name, spec.id_column, spec.id_comment);
    END LOOP;
END
$$;
ALTER TABLE raw.jira_sprints ADD COLUMN IF NOT EXISTS board_id bigint;
COMMENT ON COLUMN raw.jira_sprints.board_id IS 'The board whose sprint list returned the sprint.';

-- Columns every Jira raw table shares, described once.
DO $$
DECLARE
    shared record;
BEGIN
    FOR shared IN
        SELECT c.table_name, c.column_name, d.description
        FROM information_schema.columns AS c
        JOIN (VALUES
            ('site', 'Jira site base URL the record was read from (the partition of snapshots).'),
            ('fetched_at', 'When the load that wrote this row fetched it (one value for the whole load).'),
            ('payload', 'The record as the API returned it; staging is parsed from here.'),
            ('partition_row', '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.')
        ) AS d(column_name, description) ON d.column_name = c.column_name
        WHERE c.table_schema = 'raw' AND c.table_name LIKE 'jira\_%'
    LOOP
        EXECUTE format('COMMENT ON COLUMN raw.%I.%I IS %L', shared.table_name, shared.column_name, shared.description);
    END LOOP;
END
$$;

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
CREATE INDEX IF NOT EXISTS stg_jira_sprint_issues_issue_idx ON staging.jira_sprint_issues (issue_id);
CREATE INDEX IF NOT EXISTS stg_jira_issue_changes_kind_idx ON staging.jira_issue_changes (change_kind, issue_id);
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
