-- Per person (bots excluded) and week (Monday, UTC): the metrics of int_weekly_rollup (docs/metrics.md).
-- Incremental by whole weeks (week_start): int_weekly_rollup returns a run's weeks and the empty weeks next
-- to them (docs/data-model.md).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['week_start', 'member_id'],
          event_time='week_start', partition_grain='week') }}
SELECT
    r.week_start,
    m.member_id,
    m.github_login,
    r.prs_opened, r.prs_merged,
    r.cycle_time_median_hours, r.cycle_time_p75_hours, r.coding_time_median_hours, r.coding_time_p75_hours,
    r.pickup_time_median_hours, r.pickup_time_p75_hours, r.review_time_median_hours, r.review_time_p75_hours,
    r.deploy_time_median_hours, r.deploy_time_p75_hours,
    r.reviews_given, r.review_rounds_avg, r.comments_per_pr, r.pr_size_median_lines, r.ai_assisted_share,
    r.copilot_active_days, r.copilot_acceptance_rate, r.jira_issues_completed, r.story_points_completed,
    r.linkage_rate
FROM {{ ref('int_weekly_rollup') }} AS r
JOIN {{ ref('team_members') }} AS m ON m.member_id::text = r.group_key
WHERE r.group_kind = 'member'
