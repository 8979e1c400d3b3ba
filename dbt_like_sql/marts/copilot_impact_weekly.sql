-- Per team and week (Monday, UTC): Copilot adoption (share of the team's seats active in the week, in
-- tiers) beside the team's median cycle time and change failure rate, and the week's AI-assisted pull
-- requests beside the others. Bots excluded; a person in two teams counts in each.
-- Incremental by whole weeks (week_start): a run builds the weeks of its window and every week of
-- weekly_team_rollup it does not hold yet (an empty week the rollup added before its window), each from all
-- of that week's facts.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['week_start', 'team_key'],
          event_time='week_start', partition_grain='week') }}
WITH members AS (
    SELECT g.group_key AS team_key, g.member_id
    FROM {{ ref('int_rollup_groups') }} AS g
    WHERE g.group_kind = 'team'
),
weeks AS (
    SELECT r.week_start, r.team_key, r.team_name, r.prs_merged, r.cycle_time_median_hours
    FROM {{ ref('weekly_team_rollup') }} AS r
    {% if is_incremental() %}
    WHERE {{ in_window('r.week_start') }}
        OR NOT EXISTS (
            SELECT 1 FROM {{ this }} AS built WHERE built.team_key = r.team_key AND built.week_start = r.week_start
        )
    {% endif %}
),
seat_holders AS (
    -- each seat's team member: by GitHub id, else by login
    SELECT m.member_id, s.created_at, s.is_current, s.fetched_at, s.pending_cancellation_date
    FROM {{ source('staging', 'copilot_seats') }} AS s
    JOIN {{ ref('team_members') }} AS m
        ON m.member_id = s.user_id OR (s.user_id IS NULL AND lower(m.github_login) = lower(s.login))
),
seat_weeks AS (
    -- a seat counts in a week when assigned before its end and not known to be gone before its start
    SELECT DISTINCT w.week_start, w.team_key, mb.member_id
    FROM weeks AS w
    JOIN members AS mb ON mb.team_key = w.team_key
    JOIN seat_holders AS s ON s.member_id = mb.member_id
    WHERE (s.created_at IS NULL OR s.created_at < (w.week_start + 7)::timestamp AT TIME ZONE 'UTC')
        AND (s.is_current OR s.fetched_at >= w.week_start::timestamp AT TIME ZONE 'UTC')
        AND (s.pending_cancellation_date IS NULL OR s.pending_cancellation_date >= w.week_start)
),
active_weeks AS (
    SELECT DISTINCT a.member_id, a.week_start
    FROM {{ ref('int_rollup_activity') }} AS a
    WHERE a.kind = 'copilot' AND a.week_start IN (SELECT week_start FROM weeks)
),
adoption AS (
    SELECT
        sw.week_start,
        sw.team_key,
        count(*) AS seats,
        count(aw.member_id) AS active_seats
    FROM seat_weeks AS sw
    LEFT JOIN active_weeks AS aw ON aw.member_id = sw.member_id AND aw.week_start = sw.week_start
    GROUP BY sw.week_start, sw.team_key
),
merged AS (
    SELECT
        mb.team_key,
        p.merged_week AS week_start,
        p.effective_is_ai_assisted AS is_ai,
        p.cycle_time_hours,
        p.size_lines,
        p.review_rounds,
        p.total_comments,
        rv.is_reverted
    FROM members AS mb
    JOIN {{ ref('int_rollup_pull_requests') }} AS p ON p.member_id = mb.member_id
    JOIN weeks AS w ON w.team_key = mb.team_key AND w.week_start = p.merged_week
    JOIN {{ ref('int_pr_reverted') }} AS rv ON rv.pr_id = p.pr_id
    WHERE p.merged_week IS NOT NULL AND p.effective_is_ai_assisted IS NOT NULL
),
side_by_side AS (
    SELECT
        team_key,
        week_start,
        count(*) FILTER (WHERE is_ai) AS ai_prs_merged,
        count(*) FILTER (WHERE NOT is_ai) AS other_prs_merged,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_hours) FILTER (WHERE is_ai) AS ai_cycle,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_hours) FILTER (WHERE NOT is_ai) AS other_cycle,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY size_lines) FILTER (WHERE is_ai) AS ai_size,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY size_lines) FILTER (WHERE NOT is_ai) AS other_size,
        avg(review_rounds) FILTER (WHERE is_ai) AS ai_rounds,
        avg(review_rounds) FILTER (WHERE NOT is_ai) AS other_rounds,
        avg(CASE WHEN is_reverted THEN 1 ELSE 0 END) FILTER (WHERE is_ai) AS ai_reverts,
        avg(CASE WHEN is_reverted THEN 1 ELSE 0 END) FILTER (WHERE NOT is_ai) AS other_reverts,
        avg(total_comments) FILTER (WHERE is_ai) AS ai_comments,
        avg(total_comments) FILTER (WHERE NOT is_ai) AS other_comments
    FROM merged
    GROUP BY team_key, week_start
),
failures AS (
    -- DORA's team grain: successful production deployments that shipped the team's pull requests, and
    -- those followed within the change-failure window by an incident attributed to them (docs/metrics.md)
    SELECT grain_key AS team_key, week_start, deployments, change_failure_rate
    FROM {{ ref('dora_weekly') }}
    WHERE grain = 'team'
)
SELECT
    w.week_start,
    w.team_key,
    w.team_name,
    coalesce(a.seats, 0)::integer AS seats,
    coalesce(a.active_seats, 0)::integer AS active_seats,
    round(100.0 * a.active_seats / nullif(a.seats, 0), 1) AS adoption_pct,
    CASE
        WHEN coalesce(a.seats, 0) = 0 THEN NULL
        WHEN 100.0 * a.active_seats / a.seats < 25 THEN '<25%'
        WHEN 100.0 * a.active_seats / a.seats < 50 THEN '25-50%'
        WHEN 100.0 * a.active_seats / a.seats <= 75 THEN '50-75%'
        ELSE '>75%'
    END AS adoption_tier,
    w.prs_merged,
    w.cycle_time_median_hours,
    coalesce(f.deployments, 0)::integer AS deployments,
    f.change_failure_rate,
    coalesce(s.ai_prs_merged, 0)::integer AS ai_prs_merged,
    coalesce(s.other_prs_merged, 0)::integer AS other_prs_merged,
    round(s.ai_cycle::numeric, 2) AS ai_cycle_time_median_hours,
    round(s.other_cycle::numeric, 2) AS other_cycle_time_median_hours,
    round(s.ai_size::numeric, 1) AS ai_pr_size_median_lines,
    round(s.other_size::numeric, 1) AS other_pr_size_median_lines,
    round(s.ai_rounds, 2) AS ai_review_rounds_avg,
    round(s.other_rounds, 2) AS other_review_rounds_avg,
    round(s.ai_reverts, 4) AS ai_revert_rate,
    round(s.other_reverts, 4) AS other_revert_rate,
    round(s.ai_comments, 2) AS ai_comments_per_pr,
    round(s.other_comments, 2) AS other_comments_per_pr
FROM weeks AS w
LEFT JOIN adoption AS a ON a.team_key = w.team_key AND a.week_start = w.week_start
LEFT JOIN side_by_side AS s ON s.team_key = w.team_key AND s.week_start = w.week_start
LEFT JOIN failures AS f ON f.team_key = w.team_key AND f.week_start = w.week_start
