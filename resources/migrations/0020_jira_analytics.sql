-- Jira analytics: issues with their time in each status, status periods, sprints and sprint metrics,
-- worklogs, Jira users matched to team members, and pull request <-> issue links. Built by the SQL models in
-- dbt_like_sql/marts; the definitions are in docs/metrics.md.

CREATE TABLE IF NOT EXISTS analytics.jira_issue_status_periods (
    issue_id        bigint      NOT NULL,
    issue_key       text        NOT NULL,
    period_index    integer     NOT NULL,
    status_id       text,
    status          text,
    status_category text,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    is_current      boolean     NOT NULL,
    hours           numeric(12, 2),
    PRIMARY KEY (issue_id, period_index)
);
COMMENT ON TABLE analytics.jira_issue_status_periods IS 'One row per stretch of time an issue spent in one status, from creation through every status change of its changelog. See docs/metrics.md.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.issue_id IS 'The issue; joins analytics.jira_issues.issue_id.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.issue_key IS 'Current issue key.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.period_index IS '0 for the status at creation, then 1, 2, ... per status change.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.status_id IS 'Workflow status id.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.status IS 'Status name as the changelog recorded it.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.status_category IS 'Category of the status (new, indeterminate, done), as the site reports it; trusted over the name.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.started_at IS 'When the issue entered the status (its creation for period 0).';
COMMENT ON COLUMN analytics.jira_issue_status_periods.ended_at IS 'When it left; NULL for the current status.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.is_current IS 'True for the status the issue is in now.';
COMMENT ON COLUMN analytics.jira_issue_status_periods.hours IS 'Hours in the status; the current status counts until the issue was last fetched.';

CREATE TABLE IF NOT EXISTS analytics.jira_issues (
    issue_id              bigint PRIMARY KEY,
    issue_key             text        NOT NULL,
    previous_keys         text[]      NOT NULL,
    url                   text,
    project_key           text,
    issue_type            text,
    summary               text,
    status                text,
    status_category       text,
    priority              text,
    resolution            text,
    assignee_account_id   text,
    assignee_name         text,
    assignee_member_id    bigint,
    reporter_account_id   text,
    reporter_name         text,
    story_points          numeric(10, 2),
    parent_key            text,
    epic_key              text,
    sprint_ids            bigint[]    NOT NULL,
    sprint_names          text[]      NOT NULL,
    labels                text[]      NOT NULL,
    created_at            timestamptz,
    updated_at            timestamptz NOT NULL,
    resolved_at           timestamptz,
    first_in_progress_at  timestamptz,
    done_at               timestamptz,
    reopen_count          integer     NOT NULL,
    todo_hours            numeric(12, 2),
    in_progress_hours     numeric(12, 2),
    status_hours          jsonb       NOT NULL,
    cycle_time_hours      numeric(12, 2),
    lead_time_hours       numeric(12, 2),
    changelog_complete    boolean     NOT NULL
);
COMMENT ON TABLE analytics.jira_issues IS 'One row per Jira issue in its current state, with time in each status, cycle time and lead time. See docs/metrics.md.';
COMMENT ON COLUMN analytics.jira_issues.issue_id IS 'Jira issue id (stable when the issue moves between projects).';
COMMENT ON COLUMN analytics.jira_issues.issue_key IS 'Current key, e.g. PAY-412.';
COMMENT ON COLUMN analytics.jira_issues.previous_keys IS 'Keys it had before moving between projects; pull requests naming them still link.';
COMMENT ON COLUMN analytics.jira_issues.url IS 'Link to the issue in Jira.';
COMMENT ON COLUMN analytics.jira_issues.project_key IS 'Current project key.';
COMMENT ON COLUMN analytics.jira_issues.issue_type IS 'Issue type: Epic, Story, Task, Bug, Sub-task, Incident, ...';
COMMENT ON COLUMN analytics.jira_issues.summary IS 'Summary (title).';
COMMENT ON COLUMN analytics.jira_issues.status IS 'Current status name.';
COMMENT ON COLUMN analytics.jira_issues.status_category IS 'Current status category: new (to do), indeterminate (in progress) or done.';
COMMENT ON COLUMN analytics.jira_issues.priority IS 'Priority name.';
COMMENT ON COLUMN analytics.jira_issues.resolution IS 'Resolution; NULL while unresolved.';
COMMENT ON COLUMN analytics.jira_issues.assignee_account_id IS 'Assignee''s Atlassian account id; NULL when unassigned.';
COMMENT ON COLUMN analytics.jira_issues.assignee_name IS 'Assignee''s display name (Former user for deleted accounts).';
COMMENT ON COLUMN analytics.jira_issues.assignee_member_id IS 'The assignee as a team member (analytics.team_members.member_id); NULL when not matched.';
COMMENT ON COLUMN analytics.jira_issues.reporter_account_id IS 'Reporter''s Atlassian account id.';
COMMENT ON COLUMN analytics.jira_issues.reporter_name IS 'Reporter''s display name.';
COMMENT ON COLUMN analytics.jira_issues.story_points IS 'Current story points estimate.';
COMMENT ON COLUMN analytics.jira_issues.parent_key IS 'Parent issue key (an epic, or the parent of a sub-task).';
COMMENT ON COLUMN analytics.jira_issues.epic_key IS 'The epic: the parent when it is an epic, else the parent''s epic (sub-tasks).';
COMMENT ON COLUMN analytics.jira_issues.sprint_ids IS 'Sprints the issue is or was in (carried-over issues list several).';
COMMENT ON COLUMN analytics.jira_issues.sprint_names IS 'Names of those sprints, in the same order.';
COMMENT ON COLUMN analytics.jira_issues.labels IS 'Labels.';
COMMENT ON COLUMN analytics.jira_issues.created_at IS 'When the issue was created.';
COMMENT ON COLUMN analytics.jira_issues.updated_at IS 'When it was last updated.';
COMMENT ON COLUMN analytics.jira_issues.resolved_at IS 'Jira''s resolution date; NULL while unresolved.';
COMMENT ON COLUMN analytics.jira_issues.first_in_progress_at IS 'When it first entered an in-progress (indeterminate) status.';
COMMENT ON COLUMN analytics.jira_issues.done_at IS 'When it entered the done-category status it is in now; NULL unless done now.';
COMMENT ON COLUMN analytics.jira_issues.reopen_count IS 'Times it left a done-category status for another category.';
COMMENT ON COLUMN analytics.jira_issues.todo_hours IS 'Hours spent in to-do (new) category statuses.';
COMMENT ON COLUMN analytics.jira_issues.in_progress_hours IS 'Hours spent in in-progress (indeterminate) category statuses, all visits summed.';
COMMENT ON COLUMN analytics.jira_issues.status_hours IS 'Hours per status name, all visits summed, e.g. {"In Progress": 30.5, "In Review": 4}.';
COMMENT ON COLUMN analytics.jira_issues.cycle_time_hours IS 'Hours from first_in_progress_at to done_at; NULL unless done now and ever in progress.';
COMMENT ON COLUMN analytics.jira_issues.lead_time_hours IS 'Hours from created_at to resolved_at; NULL while unresolved.';
COMMENT ON COLUMN analytics.jira_issues.changelog_complete IS 'False when part of the changelog is missing (status hours and cycle time may then be wrong).';
CREATE INDEX IF NOT EXISTS jira_issues_key_idx ON analytics.jira_issues (issue_key);
CREATE INDEX IF NOT EXISTS jira_issues_created_idx ON analytics.jira_issues (created_at);

CREATE TABLE IF NOT EXISTS analytics.jira_sprints (
    sprint_id   bigint PRIMARY KEY,
    board_id    bigint,
    board_name  text,
    project_key text,
    name        text,
    state       text,
    goal        text,
    start_at    timestamptz,
    end_at      timestamptz,
    complete_at timestamptz,
    issue_count integer NOT NULL
);
COMMENT ON TABLE analytics.jira_sprints IS 'One row per sprint of the scrum boards.';
COMMENT ON COLUMN analytics.jira_sprints.sprint_id IS 'Agile sprint id.';
COMMENT ON COLUMN analytics.jira_sprints.board_id IS 'The board the sprint belongs to.';
COMMENT ON COLUMN analytics.jira_sprints.board_name IS 'The board''s name.';
COMMENT ON COLUMN analytics.jira_sprints.project_key IS 'The board''s project.';
COMMENT ON COLUMN analytics.jira_sprints.name IS 'Sprint name.';
COMMENT ON COLUMN analytics.jira_sprints.state IS 'future, active or closed.';
COMMENT ON COLUMN analytics.jira_sprints.goal IS 'Sprint goal.';
COMMENT ON COLUMN analytics.jira_sprints.start_at IS 'When the sprint was started.';
COMMENT ON COLUMN analytics.jira_sprints.end_at IS 'Planned end.';
COMMENT ON COLUMN analytics.jira_sprints.complete_at IS 'When it was completed; NULL while it runs.';
COMMENT ON COLUMN analytics.jira_sprints.issue_count IS 'Issues that were in the sprint at any time.';

CREATE TABLE IF NOT EXISTS analytics.jira_sprint_metrics (
    sprint_id                  bigint PRIMARY KEY,
    name                       text,
    board_id                   bigint,
    project_key                text,
    state                      text,
    start_at                   timestamptz,
    complete_at                timestamptz,
    committed_issues           integer NOT NULL,
    committed_points           numeric(12, 2) NOT NULL,
    added_issues               integer NOT NULL,
    added_points               numeric(12, 2) NOT NULL,
    removed_issues             integer NOT NULL,
    completed_issues           integer NOT NULL,
    completed_points           numeric(12, 2) NOT NULL,
    completed_committed_issues integer NOT NULL,
    not_completed_issues       integer NOT NULL,
    carried_over_issues        integer NOT NULL,
    carried_over_points        numeric(12, 2) NOT NULL,
    completion_ratio           numeric(8, 4),
    issue_completion_ratio     numeric(8, 4)
);
COMMENT ON TABLE analytics.jira_sprint_metrics IS 'Per started sprint: committed scope, scope added after the start, what was completed and what carried over. See docs/metrics.md.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.sprint_id IS 'The sprint; joins analytics.jira_sprints.sprint_id.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.name IS 'Sprint name.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.board_id IS 'The sprint''s board.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.project_key IS 'The board''s project.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.state IS 'active or closed (future sprints have no metrics).';
COMMENT ON COLUMN analytics.jira_sprint_metrics.start_at IS 'When the sprint started: the commitment is measured here.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.complete_at IS 'When it was completed: completion is measured here (now for an active sprint).';
COMMENT ON COLUMN analytics.jira_sprint_metrics.committed_issues IS 'Issues in the sprint when it started.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.committed_points IS 'Their story points as estimated at the start (from the changelog).';
COMMENT ON COLUMN analytics.jira_sprint_metrics.added_issues IS 'Issues that joined after the start (scope added).';
COMMENT ON COLUMN analytics.jira_sprint_metrics.added_points IS 'Their story points when they joined.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.removed_issues IS 'Issues that left the sprint between its start and its completion.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.completed_issues IS 'Issues in the sprint at completion whose status category was done then (committed or added).';
COMMENT ON COLUMN analytics.jira_sprint_metrics.completed_points IS 'Their story points at completion.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.completed_committed_issues IS 'Completed issues that were also committed.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.not_completed_issues IS 'Issues in the sprint at completion that were not done.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.carried_over_issues IS 'Not completed issues that joined a later sprint (carry-over).';
COMMENT ON COLUMN analytics.jira_sprint_metrics.carried_over_points IS 'Their story points at completion.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.completion_ratio IS 'completed_points / committed_points (Jira''s velocity chart: completed against commitment; can exceed 1); NULL without committed points.';
COMMENT ON COLUMN analytics.jira_sprint_metrics.issue_completion_ratio IS 'completed_committed_issues / committed_issues: the share of the commitment delivered; NULL without committed issues.';

CREATE TABLE IF NOT EXISTS analytics.jira_worklogs (
    worklog_id          bigint PRIMARY KEY,
    issue_id            bigint NOT NULL,
    issue_key           text,
    project_key         text,
    author_account_id   text,
    author_name         text,
    author_member_id    bigint,
    started_at          timestamptz,
    hours               numeric(10, 2),
    comment_text        text,
    created_at          timestamptz,
    updated_at          timestamptz
);
COMMENT ON TABLE analytics.jira_worklogs IS 'One row per worklog: time logged on an issue.';
COMMENT ON COLUMN analytics.jira_worklogs.worklog_id IS 'Jira worklog id.';
COMMENT ON COLUMN analytics.jira_worklogs.issue_id IS 'The issue; joins analytics.jira_issues.issue_id.';
COMMENT ON COLUMN analytics.jira_worklogs.issue_key IS 'Current issue key.';
COMMENT ON COLUMN analytics.jira_worklogs.project_key IS 'Current project key.';
COMMENT ON COLUMN analytics.jira_worklogs.author_account_id IS 'Who logged the time.';
COMMENT ON COLUMN analytics.jira_worklogs.author_name IS 'Their display name.';
COMMENT ON COLUMN analytics.jira_worklogs.author_member_id IS 'The author as a team member; NULL when not matched.';
COMMENT ON COLUMN analytics.jira_worklogs.started_at IS 'When the logged work started.';
COMMENT ON COLUMN analytics.jira_worklogs.hours IS 'Time spent, in hours.';
COMMENT ON COLUMN analytics.jira_worklogs.comment_text IS 'The worklog comment as text.';
COMMENT ON COLUMN analytics.jira_worklogs.created_at IS 'When the worklog was created.';
COMMENT ON COLUMN analytics.jira_worklogs.updated_at IS 'When it was last changed.';

CREATE TABLE IF NOT EXISTS analytics.jira_users (
    account_id   text PRIMARY KEY,
    display_name text,
    email        text,
    account_type text,
    active       boolean,
    is_listed    boolean NOT NULL,
    member_id    bigint,
    github_login text,
    match_method text    NOT NULL
);
COMMENT ON TABLE analytics.jira_users IS 'Every Jira account with the team member it was matched to; unmatched accounts are listed with match_method unmatched or ambiguous.';
COMMENT ON COLUMN analytics.jira_users.account_id IS 'Atlassian account id.';
COMMENT ON COLUMN analytics.jira_users.display_name IS 'Display name.';
COMMENT ON COLUMN analytics.jira_users.email IS 'E-mail when the profile shows it.';
COMMENT ON COLUMN analytics.jira_users.account_type IS 'atlassian, app or customer.';
COMMENT ON COLUMN analytics.jira_users.active IS 'False for deactivated and deleted accounts.';
COMMENT ON COLUMN analytics.jira_users.is_listed IS 'False for accounts only seen on issues (deleted users, people outside the user list).';
COMMENT ON COLUMN analytics.jira_users.member_id IS 'The matched team member (analytics.team_members.member_id); NULL when unmatched.';
COMMENT ON COLUMN analytics.jira_users.github_login IS 'The matched member''s GitHub login.';
COMMENT ON COLUMN analytics.jira_users.match_method IS 'email, display_name (normalised: case, accents, spacing), ambiguous (several candidates) or unmatched.';

ALTER TABLE analytics.team_members
    ADD COLUMN IF NOT EXISTS jira_account_id   text,
    ADD COLUMN IF NOT EXISTS jira_match_method text;
COMMENT ON COLUMN analytics.team_members.jira_account_id IS 'The person''s Atlassian account id; NULL when no Jira account matched.';
COMMENT ON COLUMN analytics.team_members.jira_match_method IS 'How the Jira account was matched: email, display_name (normalised), ambiguous (several candidates, none chosen) or unmatched.';

CREATE TABLE IF NOT EXISTS analytics.pr_jira_links (
    pr_id           bigint  NOT NULL,
    jira_key        text    NOT NULL,
    key_rank        integer NOT NULL,
    repository      text    NOT NULL,
    pr_number       integer NOT NULL,
    pr_created_at   timestamptz,
    issue_id        bigint,
    issue_key       text,
    project_key     text,
    issue_type      text,
    status_category text,
    is_known_issue  boolean NOT NULL,
    PRIMARY KEY (pr_id, jira_key)
);
COMMENT ON TABLE analytics.pr_jira_links IS 'Each Jira key a pull request names (title, branch, body), joined to the issue when the warehouse knows it.';
COMMENT ON COLUMN analytics.pr_jira_links.pr_id IS 'The pull request; joins analytics.pull_requests.pr_id.';
COMMENT ON COLUMN analytics.pr_jira_links.jira_key IS 'The key as the pull request names it (upper-cased).';
COMMENT ON COLUMN analytics.pr_jira_links.key_rank IS '1 for the pull request''s best key (title, then branch, then body).';
COMMENT ON COLUMN analytics.pr_jira_links.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.pr_jira_links.pr_number IS 'Pull request number.';
COMMENT ON COLUMN analytics.pr_jira_links.pr_created_at IS 'When the pull request was opened.';
COMMENT ON COLUMN analytics.pr_jira_links.issue_id IS 'The issue (analytics.jira_issues.issue_id); NULL when no synced issue has the key.';
COMMENT ON COLUMN analytics.pr_jira_links.issue_key IS 'The issue''s current key (differs from jira_key when the issue moved).';
COMMENT ON COLUMN analytics.pr_jira_links.project_key IS 'The issue''s current project.';
COMMENT ON COLUMN analytics.pr_jira_links.issue_type IS 'The issue''s type.';
COMMENT ON COLUMN analytics.pr_jira_links.status_category IS 'The issue''s current status category.';
COMMENT ON COLUMN analytics.pr_jira_links.is_known_issue IS 'True when the key resolves to a synced issue (by current or previous key).';

CREATE TABLE IF NOT EXISTS analytics.jira_linkage_weekly (
    repository     text    NOT NULL,
    week_start     date    NOT NULL,
    prs_opened     integer NOT NULL,
    prs_with_key   integer NOT NULL,
    prs_linked     integer NOT NULL,
    linkage_rate   numeric(6, 4),
    PRIMARY KEY (repository, week_start)
);
COMMENT ON TABLE analytics.jira_linkage_weekly IS 'Per repository and ISO week (Monday, UTC): how many pull requests by people (bots excluded) name a Jira issue. See docs/metrics.md.';
COMMENT ON COLUMN analytics.jira_linkage_weekly.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.jira_linkage_weekly.week_start IS 'Monday of the week the pull requests were opened (UTC).';
COMMENT ON COLUMN analytics.jira_linkage_weekly.prs_opened IS 'Pull requests opened that week, bots excluded.';
COMMENT ON COLUMN analytics.jira_linkage_weekly.prs_with_key IS 'Of those, pull requests naming at least one Jira key.';
COMMENT ON COLUMN analytics.jira_linkage_weekly.prs_linked IS 'Of those, pull requests with at least one key that resolves to a synced issue.';
COMMENT ON COLUMN analytics.jira_linkage_weekly.linkage_rate IS 'prs_linked / prs_opened; NULL without pull requests.';
