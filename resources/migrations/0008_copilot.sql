-- GitHub Copilot: seats and the daily usage-metrics reports (organization and per user).
CREATE TABLE IF NOT EXISTS raw.copilot_seats (
    org        text        NOT NULL,
    user_id    bigint,
    login      text,
    fetched_at timestamptz NOT NULL,
    payload    jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS copilot_seats_org_idx ON raw.copilot_seats (org);

CREATE TABLE IF NOT EXISTS raw.copilot_usage_reports (
    partition_date date        NOT NULL,
    org            text        NOT NULL,
    report_kind    text        NOT NULL,  -- organization-1-day or users-1-day
    line_number    integer     NOT NULL,
    fetched_at     timestamptz NOT NULL,
    payload        jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS copilot_usage_reports_partition_idx ON raw.copilot_usage_reports (report_kind, partition_date);

CREATE TABLE IF NOT EXISTS staging.copilot_seats (
    org                  text        NOT NULL,
    login                text        NOT NULL,
    user_id              bigint,
    plan_type            text,
    created_at           timestamptz,
    last_activity_at     timestamptz,
    last_activity_editor text,
    pending_cancellation_date date,
    is_current           boolean     NOT NULL,
    fetched_at           timestamptz NOT NULL,
    PRIMARY KEY (org, login)
);

CREATE TABLE IF NOT EXISTS staging.copilot_usage_org_daily (
    org                              text    NOT NULL,
    day                              date    NOT NULL,
    daily_active_users               integer,
    weekly_active_users              integer,
    monthly_active_users             integer,
    monthly_active_chat_users        integer,
    monthly_active_agent_users       integer,
    user_initiated_interaction_count integer,
    code_generation_activity_count   integer,
    code_acceptance_activity_count   integer,
    loc_suggested_to_add_sum         integer,
    loc_added_sum                    integer,
    by_ide                           jsonb   NOT NULL,
    by_feature                       jsonb   NOT NULL,
    by_language                      jsonb   NOT NULL,
    fetched_at                       timestamptz NOT NULL,
    PRIMARY KEY (org, day)
);

CREATE TABLE IF NOT EXISTS staging.copilot_usage_user_daily (
    org                              text    NOT NULL,
    day                              date    NOT NULL,
    user_login                       text    NOT NULL,
    user_id                          bigint,
    user_initiated_interaction_count integer,
    code_generation_activity_count   integer,
    code_acceptance_activity_count   integer,
    loc_suggested_to_add_sum         integer,
    loc_added_sum                    integer,
    used_chat                        boolean,
    used_agent                       boolean,
    fetched_at                       timestamptz NOT NULL,
    PRIMARY KEY (org, day, user_login)
);

CREATE TABLE IF NOT EXISTS analytics.copilot_usage_daily (
    org                              text    NOT NULL,
    day                              date    NOT NULL,
    daily_active_users               integer,
    weekly_active_users              integer,
    monthly_active_users             integer,
    monthly_active_chat_users        integer,
    monthly_active_agent_users       integer,
    user_initiated_interaction_count integer,
    code_generation_activity_count   integer,
    code_acceptance_activity_count   integer,
    acceptance_rate                  numeric(6, 4),
    loc_suggested_to_add_sum         integer,
    loc_added_sum                    integer,
    by_ide                           jsonb   NOT NULL,
    by_feature                       jsonb   NOT NULL,
    by_language                      jsonb   NOT NULL,
    PRIMARY KEY (org, day)
);
COMMENT ON TABLE analytics.copilot_usage_daily IS 'GitHub Copilot usage per organisation and day, from the usage-metrics reports. A day without a report has no row.';
COMMENT ON COLUMN analytics.copilot_usage_daily.org IS 'GitHub organisation.';
COMMENT ON COLUMN analytics.copilot_usage_daily.day IS 'Report day (UTC).';
COMMENT ON COLUMN analytics.copilot_usage_daily.daily_active_users IS 'People who used Copilot that day.';
COMMENT ON COLUMN analytics.copilot_usage_daily.weekly_active_users IS 'People who used Copilot in the 7 days to this day.';
COMMENT ON COLUMN analytics.copilot_usage_daily.monthly_active_users IS 'People who used Copilot in the 28 days to this day.';
COMMENT ON COLUMN analytics.copilot_usage_daily.monthly_active_chat_users IS 'People who used Copilot Chat in the 28 days to this day (the reports have no "engaged users"; this is the nearest measure).';
COMMENT ON COLUMN analytics.copilot_usage_daily.monthly_active_agent_users IS 'People who used agent mode in the 28 days to this day.';
COMMENT ON COLUMN analytics.copilot_usage_daily.user_initiated_interaction_count IS 'Prompts and chat turns people started.';
COMMENT ON COLUMN analytics.copilot_usage_daily.code_generation_activity_count IS 'Code suggestions and generations shown.';
COMMENT ON COLUMN analytics.copilot_usage_daily.code_acceptance_activity_count IS 'Suggestions and generations accepted.';
COMMENT ON COLUMN analytics.copilot_usage_daily.acceptance_rate IS 'code_acceptance_activity_count / code_generation_activity_count; NULL when nothing was generated.';
COMMENT ON COLUMN analytics.copilot_usage_daily.loc_suggested_to_add_sum IS 'Lines Copilot suggested adding.';
COMMENT ON COLUMN analytics.copilot_usage_daily.loc_added_sum IS 'Lines added through Copilot (accepted suggestions and agent edits).';
COMMENT ON COLUMN analytics.copilot_usage_daily.by_ide IS 'The counters per IDE (the report''s totals_by_ide).';
COMMENT ON COLUMN analytics.copilot_usage_daily.by_feature IS 'The counters per feature: code_completion, chat_panel_*_mode, chat_inline, agent_edit (totals_by_feature).';
COMMENT ON COLUMN analytics.copilot_usage_daily.by_language IS 'The counters per language and feature (totals_by_language_feature).';

CREATE TABLE IF NOT EXISTS analytics.ai_usage_daily (
    day                              date    NOT NULL,
    source                           text    NOT NULL,
    github_login                     text    NOT NULL,
    member_id                        bigint,
    org                              text    NOT NULL,
    user_initiated_interaction_count integer,
    code_generation_activity_count   integer,
    code_acceptance_activity_count   integer,
    acceptance_rate                  numeric(6, 4),
    loc_suggested_to_add_sum         integer,
    loc_added_sum                    integer,
    used_chat                        boolean,
    used_agent                       boolean,
    PRIMARY KEY (day, source, org, github_login)
);
COMMENT ON TABLE analytics.ai_usage_daily IS 'AI tool usage per person and day (source copilot: the users-1-day report).';
COMMENT ON COLUMN analytics.ai_usage_daily.day IS 'Report day (UTC).';
COMMENT ON COLUMN analytics.ai_usage_daily.source IS 'Where the usage comes from: copilot.';
COMMENT ON COLUMN analytics.ai_usage_daily.github_login IS 'GitHub login in the report.';
COMMENT ON COLUMN analytics.ai_usage_daily.member_id IS 'The team member (analytics.team_members), matched by GitHub id, then login; NULL when unknown.';
COMMENT ON COLUMN analytics.ai_usage_daily.org IS 'GitHub organisation of the report.';
COMMENT ON COLUMN analytics.ai_usage_daily.user_initiated_interaction_count IS 'Prompts and chat turns the person started.';
COMMENT ON COLUMN analytics.ai_usage_daily.code_generation_activity_count IS 'Suggestions and generations shown to the person.';
COMMENT ON COLUMN analytics.ai_usage_daily.code_acceptance_activity_count IS 'Suggestions and generations the person accepted.';
COMMENT ON COLUMN analytics.ai_usage_daily.acceptance_rate IS 'Accepted / generated; NULL when nothing was generated.';
COMMENT ON COLUMN analytics.ai_usage_daily.loc_suggested_to_add_sum IS 'Lines suggested to add.';
COMMENT ON COLUMN analytics.ai_usage_daily.loc_added_sum IS 'Lines added through Copilot.';
COMMENT ON COLUMN analytics.ai_usage_daily.used_chat IS 'Used Copilot Chat that day.';
COMMENT ON COLUMN analytics.ai_usage_daily.used_agent IS 'Used agent mode that day.';
