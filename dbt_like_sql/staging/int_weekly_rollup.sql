-- The weekly metrics of docs/metrics.md per group (a person, or a team) and week (Monday, UTC): the one
-- place they are computed, so weekly_member_rollup and weekly_team_rollup cannot disagree. Team weeks run
-- from the first to the last week with any activity; a person's from their first to their last active week.
-- Weeks in between without activity are rows of zeros (medians NULL).
-- In an incremental run (whole weeks) it returns the window's weeks, aggregated over the facts of those
-- weeks only, and the empty weeks of each group's span that lead up to the window or follow it until the
-- group's next active week: activity after a gap makes those weeks rows of zeros, and they may lie
-- before the weeks a run refreshes. The spans come from every week's facts, so a week built alone is the
-- week of the full build.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
WITH groups AS (
    SELECT * FROM {{ ref('int_rollup_groups') }} AS g
),
prs AS (
    SELECT * FROM {{ ref('int_rollup_pull_requests') }} AS p
),
activity AS (
    SELECT * FROM {{ ref('int_rollup_activity') }} AS a
),
-- the facts the run aggregates, set apart once (a filter on the CTEs above inside each join below would be
-- evaluated again for every group)
window_prs AS MATERIALIZED (
    SELECT * FROM prs AS p
    {% if is_incremental() %}WHERE {{ in_window('p.opened_week') }} OR {{ in_window('p.merged_week') }}{% endif %}
),
window_activity AS MATERIALIZED (
    SELECT * FROM activity AS a
    {% if is_incremental() %}WHERE {{ in_window('a.week_start') }}{% endif %}
),
fact_weeks AS (
    SELECT member_id, opened_week AS week_start FROM prs
    UNION
    SELECT member_id, merged_week FROM prs WHERE merged_week IS NOT NULL
    UNION
    SELECT member_id, week_start FROM activity WHERE week_start IS NOT NULL
),
all_weeks AS (
    -- a team's span is every person's first to last active week; the last active weeks before and after
    -- the run's window bound the empty weeks that lead to it and follow it
    SELECT
        min(week_start) AS first_week,
        max(week_start) AS last_week,
        max(week_start) FILTER (WHERE week_start < '{{ var("window_start") }}'::timestamptz) AS before_window,
        min(week_start) FILTER (WHERE week_start >= '{{ var("window_end") }}'::timestamptz) AS after_window
    FROM fact_weeks
),
spans AS (
    SELECT
        'team' AS group_kind, t.team_key AS group_key, a.first_week, a.last_week, a.before_window, a.after_window
    FROM {{ ref('teams') }} AS t
    CROSS JOIN all_weeks AS a
    UNION ALL
    SELECT
        g.group_kind,
        g.group_key,
        min(f.week_start),
        max(f.week_start),
        max(f.week_start) FILTER (WHERE f.week_start < '{{ var("window_start") }}'::timestamptz),
        min(f.week_start) FILTER (WHERE f.week_start >= '{{ var("window_end") }}'::timestamptz)
    FROM groups AS g
    JOIN fact_weeks AS f ON f.member_id = g.member_id
    WHERE g.group_kind = 'member'
    GROUP BY g.group_kind, g.group_key
),
grid AS (
    SELECT s.group_kind, s.group_key, week::date AS week_start
    FROM spans AS s
    CROSS JOIN LATERAL generate_series(s.first_week, s.last_week, interval '1 week') AS week
    {% if is_incremental() %}
    WHERE {{ in_window('week') }}
        OR (week > s.before_window AND week < '{{ var("window_start") }}'::timestamptz)
        OR (week >= '{{ var("window_end") }}'::timestamptz AND week < s.after_window)
    {% endif %}
),
opened AS (
    SELECT
        g.group_kind,
        g.group_key,
        p.opened_week AS week_start,
        count(*) AS prs_opened,
        avg(CASE WHEN p.is_linked THEN 1 ELSE 0 END) AS linkage_rate
    FROM groups AS g
    JOIN window_prs AS p ON p.member_id = g.member_id
    {% if is_incremental() %}WHERE {{ in_window('p.opened_week') }}{% endif %}
    GROUP BY g.group_kind, g.group_key, p.opened_week
),
merged AS (
    SELECT
        g.group_kind,
        g.group_key,
        p.merged_week AS week_start,
        count(*) AS prs_merged,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY p.cycle_time_hours) AS cycle_time_median_hours,
        percentile_cont(0.75) WITHIN GROUP (ORDER BY p.cycle_time_hours) AS cycle_time_p75_hours,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY p.coding_time_hours) AS coding_time_median_hours,
        percentile_cont(0.75) WITHIN GROUP (ORDER BY p.coding_time_hours) AS coding_time_p75_hours,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY p.pickup_time_hours) AS pickup_time_median_hours,
        percentile_cont(0.75) WITHIN GROUP (ORDER BY p.pickup_time_hours) AS pickup_time_p75_hours,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY p.review_phase_hours) AS review_time_median_hours,
        percentile_cont(0.75) WITHIN GROUP (ORDER BY p.review_phase_hours) AS review_time_p75_hours,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY p.deploy_time_hours) AS deploy_time_median_hours,
        percentile_cont(0.75) WITHIN GROUP (ORDER BY p.deploy_time_hours) AS deploy_time_p75_hours,
        avg(p.review_rounds) AS review_rounds_avg,
        avg(p.total_comments) AS comments_per_pr,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY p.size_lines) AS pr_size_median_lines,
        avg(CASE WHEN p.effective_is_ai_assisted THEN 1 ELSE 0 END)
            FILTER (WHERE p.effective_is_ai_assisted IS NOT NULL) AS ai_assisted_share
    FROM groups AS g
    JOIN window_prs AS p ON p.member_id = g.member_id
    WHERE p.merged_week IS NOT NULL {% if is_incremental() %}AND {{ in_window('p.merged_week') }}{% endif %}
    GROUP BY g.group_kind, g.group_key, p.merged_week
),
other AS (
    SELECT
        g.group_kind,
        g.group_key,
        a.week_start,
        sum(a.reviews) AS reviews_given,
        count(DISTINCT (a.member_id, a.copilot_day)) FILTER (WHERE a.kind = 'copilot') AS copilot_active_days,
        sum(a.acceptances)::numeric / nullif(sum(a.generations), 0) AS copilot_acceptance_rate,
        count(DISTINCT a.issue_id) AS jira_issues_completed,
        sum(a.story_points) AS story_points_completed
    FROM groups AS g
    JOIN window_activity AS a ON a.member_id = g.member_id
    WHERE a.week_start IS NOT NULL
    GROUP BY g.group_kind, g.group_key, a.week_start
)
SELECT
    grid.group_kind,
    grid.group_key,
    grid.week_start,
    coalesce(o.prs_opened, 0)::integer AS prs_opened,
    coalesce(m.prs_merged, 0)::integer AS prs_merged,
    round(m.cycle_time_median_hours::numeric, 2) AS cycle_time_median_hours,
    round(m.cycle_time_p75_hours::numeric, 2) AS cycle_time_p75_hours,
    round(m.coding_time_median_hours::numeric, 2) AS coding_time_median_hours,
    round(m.coding_time_p75_hours::numeric, 2) AS coding_time_p75_hours,
    round(m.pickup_time_median_hours::numeric, 2) AS pickup_time_median_hours,
    round(m.pickup_time_p75_hours::numeric, 2) AS pickup_time_p75_hours,
    round(m.review_time_median_hours::numeric, 2) AS review_time_median_hours,
    round(m.review_time_p75_hours::numeric, 2) AS review_time_p75_hours,
    round(m.deploy_time_median_hours::numeric, 2) AS deploy_time_median_hours,
    round(m.deploy_time_p75_hours::numeric, 2) AS deploy_time_p75_hours,
    coalesce(x.reviews_given, 0)::integer AS reviews_given,
    round(m.review_rounds_avg, 2) AS review_rounds_avg,
    round(m.comments_per_pr, 2) AS comments_per_pr,
    round(m.pr_size_median_lines::numeric, 1) AS pr_size_median_lines,
    round(m.ai_assisted_share, 4) AS ai_assisted_share,
    coalesce(x.copilot_active_days, 0)::integer AS copilot_active_days,
    round(x.copilot_acceptance_rate, 4) AS copilot_acceptance_rate,
    coalesce(x.jira_issues_completed, 0)::integer AS jira_issues_completed,
    coalesce(x.story_points_completed, 0)::numeric(10, 2) AS story_points_completed,
    round(o.linkage_rate, 4) AS linkage_rate
FROM grid
LEFT JOIN opened AS o USING (group_kind, group_key, week_start)
LEFT JOIN merged AS m USING (group_kind, group_key, week_start)
LEFT JOIN other AS x USING (group_kind, group_key, week_start)
