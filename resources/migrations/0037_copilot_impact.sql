-- Copilot impact per team and week: adoption tier against delivery, and AI-assisted pull requests beside the others.
CREATE TABLE IF NOT EXISTS analytics.copilot_impact_weekly (
    week_start                    date    NOT NULL,
    team_key                      text    NOT NULL,
    team_name                     text    NOT NULL,
    seats                         integer NOT NULL,
    active_seats                  integer NOT NULL,
    adoption_pct                  numeric(5, 1),
    adoption_tier                 text,
    prs_merged                    integer NOT NULL,
    cycle_time_median_hours       numeric(12, 2),
    deployments                   integer NOT NULL,
    change_failure_rate           numeric(6, 4),
    ai_prs_merged                 integer NOT NULL,
    other_prs_merged              integer NOT NULL,
    ai_cycle_time_median_hours    numeric(12, 2),
    other_cycle_time_median_hours numeric(12, 2),
    ai_pr_size_median_lines       numeric(12, 1),
    other_pr_size_median_lines    numeric(12, 1),
    ai_review_rounds_avg          numeric(8, 2),
    other_review_rounds_avg       numeric(8, 2),
    ai_revert_rate                numeric(6, 4),
    other_revert_rate             numeric(6, 4),
    ai_comments_per_pr            numeric(8, 2),
    other_comments_per_pr         numeric(8, 2),
    PRIMARY KEY (week_start, team_key)
);
CREATE INDEX IF NOT EXISTS copilot_impact_weekly_team_idx ON analytics.copilot_impact_weekly (team_key, week_start);
COMMENT ON TABLE analytics.copilot_impact_weekly IS 'Per team and week: Copilot adoption (tier of seats active) beside median cycle time and change failure rate, and AI-assisted vs other merged pull requests. See docs/metrics.md.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.week_start IS 'Monday (UTC) of the week.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.team_key IS 'The team; joins analytics.teams.team_key.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.team_name IS 'The team''s name.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.seats IS 'Team members (bots excluded) holding a Copilot seat during the week.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.active_seats IS 'Of those, the people with at least one day of Copilot activity in the week.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.adoption_pct IS '100 * active_seats / seats; NULL without seats.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.adoption_tier IS '<25%, 25-50%, 50-75% or >75% (lower bound included, 75 itself is 50-75%); NULL without seats.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.prs_merged IS 'The team''s pull requests merged in the week (weekly_team_rollup).';
COMMENT ON COLUMN analytics.copilot_impact_weekly.cycle_time_median_hours IS 'Their median cycle time (weekly_team_rollup).';
COMMENT ON COLUMN analytics.copilot_impact_weekly.deployments IS 'DORA''s team grain: successful production deployments of the week, from any source, that shipped at least one of the team''s pull requests.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.change_failure_rate IS 'DORA''s change failure rate of the team and week (analytics.dora_weekly, grain team): deployments followed within the change-failure window by an incident attributed to them / deployments; NULL without deployments.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.ai_prs_merged IS 'Merged pull requests whose effective verdict is AI-assisted.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.other_prs_merged IS 'Merged pull requests whose effective verdict is not AI-assisted (no verdict: in neither).';
COMMENT ON COLUMN analytics.copilot_impact_weekly.ai_cycle_time_median_hours IS 'Median cycle time of the AI-assisted ones.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.other_cycle_time_median_hours IS 'Median cycle time of the others.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.ai_pr_size_median_lines IS 'Median size (lines added + deleted) of the AI-assisted ones.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.other_pr_size_median_lines IS 'Median size of the others.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.ai_review_rounds_avg IS 'Mean review rounds of the AI-assisted ones.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.other_review_rounds_avg IS 'Mean review rounds of the others.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.ai_revert_rate IS 'Share of the AI-assisted ones later reverted (a merged Revert "<title>" pull request).';
COMMENT ON COLUMN analytics.copilot_impact_weekly.other_revert_rate IS 'Share of the others later reverted.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.ai_comments_per_pr IS 'Mean comments by people per AI-assisted pull request.';
COMMENT ON COLUMN analytics.copilot_impact_weekly.other_comments_per_pr IS 'Mean comments by people per other pull request.';
