-- Per team and week (Monday, UTC): the metrics of int_weekly_rollup (docs/metrics.md) over the team's
-- current members (bots excluded). A person in two teams counts in each.
-- Incremental by whole weeks (week_start): int_weekly_rollup returns a run's weeks and the empty weeks next
-- to them (docs/data-model.md).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['week_start', 'team_key'],
          event_time='week_start', partition_grain='week') }}
WITH sizes AS (
    SELECT tm.team_key, count(*) AS members_count
    FROM {{ ref('team_memberships') }} AS tm
    JOIN {{ ref('team_members') }} AS m ON m.member_id = tm.member_id AND NOT m.is_bot
    GROUP BY tm.team_key
)
SELECT
    r.week_start,
    t.team_key,
    t.name AS team_name,
    coalesce(s.members_count, 0)::integer AS members_count,
    r.prs_opened, r.prs_merged,
    r.cycle_time_median_hours, r.cycle_time_p75_hours, r.coding_time_median_hours, r.coding_time_p75_hours,
    r.pickup_time_median_hours, r.pickup_time_p75_hours, r.review_time_median_hours, r.review_time_p75_hours,
    r.deploy_time_median_hours, r.deploy_time_p75_hours,
    r.reviews_given, r.review_rounds_avg, r.comments_per_pr, r.pr_size_median_lines, r.ai_assisted_share,
    r.copilot_active_days, r.copilot_acceptance_rate, r.jira_issues_completed, r.story_points_completed,
    r.linkage_rate
FROM {{ ref('int_weekly_rollup') }} AS r
JOIN {{ ref('teams') }} AS t ON t.team_key = r.group_key
LEFT JOIN sizes AS s ON s.team_key = t.team_key
WHERE r.group_kind = 'team'
