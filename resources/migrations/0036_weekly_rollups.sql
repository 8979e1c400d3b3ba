-- Weekly rollups per person and per team (weeks start Monday, UTC). Both tables carry the same metric
-- columns (dbt_like_sql/staging/int_weekly_rollup.sql computes them once); they are declared once below.
CREATE TABLE IF NOT EXISTS analytics.weekly_member_rollup (
    week_start   date   NOT NULL,
    member_id    bigint NOT NULL,
    github_login text   NOT NULL,
    PRIMARY KEY (week_start, member_id)
);
COMMENT ON TABLE analytics.weekly_member_rollup IS 'Per person (bots excluded) and week: pull requests, their phases (median and p75), reviews, AI and Copilot use, Jira work. See docs/metrics.md.';
COMMENT ON COLUMN analytics.weekly_member_rollup.week_start IS 'Monday (UTC) of the week.';
COMMENT ON COLUMN analytics.weekly_member_rollup.member_id IS 'The person; joins analytics.team_members.member_id.';
COMMENT ON COLUMN analytics.weekly_member_rollup.github_login IS 'The person''s GitHub login.';
CREATE INDEX IF NOT EXISTS weekly_member_rollup_member_idx ON analytics.weekly_member_rollup (member_id, week_start);

CREATE TABLE IF NOT EXISTS analytics.weekly_team_rollup (
    week_start    date    NOT NULL,
    team_key      text    NOT NULL,
    team_name     text    NOT NULL,
    members_count integer NOT NULL,
    PRIMARY KEY (week_start, team_key)
);
COMMENT ON TABLE analytics.weekly_team_rollup IS 'Per team and week, over the team''s current members (bots excluded; a person in two teams counts in each): pull requests, their phases (median and p75), reviews, AI and Copilot use, Jira work. See docs/metrics.md.';
COMMENT ON COLUMN analytics.weekly_team_rollup.week_start IS 'Monday (UTC) of the week.';
COMMENT ON COLUMN analytics.weekly_team_rollup.team_key IS 'The team; joins analytics.teams.team_key.';
COMMENT ON COLUMN analytics.weekly_team_rollup.team_name IS 'The team''s name.';
COMMENT ON COLUMN analytics.weekly_team_rollup.members_count IS 'People (bots excluded) in the team now.';
CREATE INDEX IF NOT EXISTS weekly_team_rollup_team_idx ON analytics.weekly_team_rollup (team_key, week_start);

DO $$
DECLARE
    metric record;
    rollup text;
BEGIN
    FOR metric IN
        SELECT * FROM (VALUES
            (1, 'prs_opened', 'integer NOT NULL', 'Pull requests opened in the week.'),
            (2, 'prs_merged', 'integer NOT NULL', 'Pull requests merged in the week (the cohort of the time and size columns).'),
            (3, 'cycle_time_median_hours', 'numeric(12, 2)', 'Median cycle time (created → merged) of the week''s merged pull requests.'),
            (4, 'cycle_time_p75_hours', 'numeric(12, 2)', '75th percentile of that cycle time.'),
            (5, 'coding_time_median_hours', 'numeric(12, 2)', 'Median coding time (first commit → ready for review) of the week''s merged pull requests.'),
            (6, 'coding_time_p75_hours', 'numeric(12, 2)', '75th percentile of that coding time.'),
            (7, 'pickup_time_median_hours', 'numeric(12, 2)', 'Median pickup time (ready → first response) of the week''s merged pull requests.'),
            (8, 'pickup_time_p75_hours', 'numeric(12, 2)', '75th percentile of that pickup time.'),
            (9, 'review_time_median_hours', 'numeric(12, 2)', 'Median review phase (first response → merged) of the week''s merged pull requests.'),
            (10, 'review_time_p75_hours', 'numeric(12, 2)', '75th percentile of that review phase.'),
            (11, 'deploy_time_median_hours', 'numeric(12, 2)', 'Median deploy time (merged → deployed to production) of the week''s merged pull requests that are deployed.'),
            (12, 'deploy_time_p75_hours', 'numeric(12, 2)', '75th percentile of that deploy time.'),
            (13, 'reviews_given', 'integer NOT NULL', 'Reviews submitted in the week (not on one''s own pull requests).'),
            (14, 'review_rounds_avg', 'numeric(8, 2)', 'Mean review rounds (changes requested, then new commits) of the week''s merged pull requests.'),
            (15, 'comments_per_pr', 'numeric(8, 2)', 'Mean comments by people (conversation and inline) per merged pull request.'),
            (16, 'pr_size_median_lines', 'numeric(12, 1)', 'Median size (lines added + deleted) of the week''s merged pull requests.'),
            (17, 'ai_assisted_share', 'numeric(6, 4)', 'Share of the week''s merged pull requests that are AI-assisted (effective verdict: LLM, else regex), among those with a verdict.'),
            (18, 'copilot_active_days', 'integer NOT NULL', 'Days with Copilot activity in the week, summed over people (person-days).'),
            (19, 'copilot_acceptance_rate', 'numeric(6, 4)', 'Copilot suggestions accepted / shown in the week; NULL when none were shown.'),
            (20, 'jira_issues_completed', 'integer NOT NULL', 'Jira issues assigned to the people that entered a done status in the week (and are still done).'),
            (21, 'story_points_completed', 'numeric(10, 2) NOT NULL', 'Story points of those issues.'),
            (22, 'linkage_rate', 'numeric(6, 4)', 'Share of the week''s opened pull requests that link to a synced Jira issue; NULL when none were opened.')
        ) AS t(position, name, definition, description)
        ORDER BY position
    LOOP
        FOREACH rollup IN ARRAY ARRAY['weekly_member_rollup', 'weekly_team_rollup'] LOOP
            EXECUTE format(
                'ALTER TABLE analytics.%I ADD COLUMN IF NOT EXISTS %I %s', rollup, metric.name, metric.definition
            );
            EXECUTE format(
                'COMMENT ON COLUMN analytics.%I.%I IS %L', rollup, metric.name, metric.description
            );
        END LOOP;
    END LOOP;
END
$$;
